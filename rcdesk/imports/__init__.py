"""One import pipeline for every workbook: read grid → propose mapping → parse → preview → save.

- `limits`, `text_files`: bounded, hostile-file-safe reading of workbooks and CSV files;
- `headers`: header band detection and header paths (merged group cells over sub-headers);
- `fields`: the fields each kind of import (poa, plan, attendance) can take;
- `mapping`: the column ledger — every source column mapped, kept as «otros datos» or ignored;
- `profiles`: confirmed mappings remembered by header signature and saved as profile files.
"""
