"""perfkg command line: thin typer commands over the kg/ and index/ libraries."""
