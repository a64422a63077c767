"""One import framework for every workbook the portal reads: columns declared
once per importer (columns.py), one sheet reader (reader.py), the Importer
declaration (base.py), one pending-import row (models.py), preview and
confirm services (services.py) and pages (views.py, with
templates/core/imports/preview.html)."""
