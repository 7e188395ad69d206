"""Activity follow-up (issue 3): periods, compliance computation, informe de seguimiento data."""
