"""Field ↔ headquarters exchange: keys, signed packages, consolidation, receipts,
consolidated workbook and PDF. Qt-free; the GUI and the CLI go through
`rcdesk.services.sync.SyncService`."""
