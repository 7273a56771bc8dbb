"""HTML output: chapter fragments rendered once, assembled per deck through Jinja2 templates."""
