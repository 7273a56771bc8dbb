"""The course layer: manifests -> decks -> compiled chapters -> pictures.

Every command stands on it (build, serve, `labs`, `i18n`): it finds and loads the decks, compiles
each chapter once (in parallel, with the slide checks), knows which deck each finding breaks,
reads the translation catalogs the renderer needs, and copies pictures. It never renders: the
renderer sits above it and passes its work in (`then`), so that tokens stay in the worker.
"""

from builder.course.chapters import ChapterJob, Compiled, compile_chapter, compile_chapters, no_cyclic_gc
from builder.course.course import Course, load_course
from builder.course.decks import Decks, find_manifests, load_decks
from builder.course.pictures import copy_picture_files, copy_pictures, local_picture, pictures
from builder.course.translations import LANGUAGES, check_languages

__all__ = [
    "LANGUAGES", "ChapterJob", "Compiled", "Course", "Decks", "check_languages", "compile_chapter",
    "compile_chapters", "copy_picture_files", "copy_pictures", "find_manifests", "load_course", "load_decks",
    "local_picture", "no_cyclic_gc", "pictures",
]
