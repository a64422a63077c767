"""Plan forms: the officers' editor (editor), proposals and public comment (comments)."""
