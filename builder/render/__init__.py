"""HTML output: chapter fragments rendered once, assembled per deck through Jinja2 templates,
with each deck's syllabus (outline.py) and PDF printing."""
