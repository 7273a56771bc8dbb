"""Bilingual courses: gettext catalogs of slide text (extract, update, status); reading them at
render time is builder/course/translations.py, the syllabus builder/render/outline.py."""
