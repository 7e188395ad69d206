"""POA follow-up: periods, calculations, workbook import/export (no Qt, no database here
except through the services in `rcdesk/services/poa*.py`)."""
