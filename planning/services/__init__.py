"""Plan services: plans and items (plans), change proposals (proposals), public comment
(comments)."""
