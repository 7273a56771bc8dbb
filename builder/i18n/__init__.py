"""Bilingual courses: gettext catalogs of slide text, interface words, and the syllabus."""
