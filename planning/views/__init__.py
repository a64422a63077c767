"""Plan views: public pages (public), the officers' editor (editor), XLSX import (imports),
proposals and public comment (comments)."""
