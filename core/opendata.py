"""The open-data catalogue. Each app registers its datasets in its AppConfig
ready(); /data/ lists them and serves each as CSV and JSON with documented
columns."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # "string", "integer", "decimal", "date", "boolean", "url", "list"
    description: str


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: Callable[[], Iterable[dict]] = field(compare=False)

    def column_names(self):
        return [c.name for c in self.columns]


_REGISTRY: dict[str, Dataset] = {}


def register(dataset: Dataset) -> Dataset:
    _REGISTRY[dataset.slug] = dataset
    return dataset


def datasets() -> list[Dataset]:
    return sorted(_REGISTRY.values(), key=lambda d: d.slug)


def get(slug: str) -> Dataset | None:
    return _REGISTRY.get(slug)
