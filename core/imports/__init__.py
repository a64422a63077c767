"""One import framework for every workbook the portal reads: columns declared
once per importer (columns.py), one sheet reader (reader.py), the Importer
declaration (base.py), one pending-import row (models.py), preview and
confirm services (services.py) and pages (views.py, with
templates/core/imports/preview.html).

Numbers written as text (columns.number, or an importer's own parsing) are
read in one number format per workbook (numbers.py: Czech 1 234,5 or English
1,234.5): the upload form's choice, else the workbook's statement (a cell
„Formát čísel“ on e.g. its sheet „Návod“), else the uploader's language. A
text the two formats read differently is never read silently: the preview
asks to confirm it per row, and the confirm saves nothing until it is."""
