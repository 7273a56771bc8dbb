"""The dev server never serves a picture that links out of the repository (issue 13)."""

from __future__ import annotations

from livesite import get

from builder.serve.app import Serve


def test_a_picture_that_links_out_of_the_repository_is_not_served(course, tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"TOP-SECRET")
    course.root = tmp_path / "course"
    course.write("slides/images/ok.png", "fine")
    (course.root / "slides/images/pic.png").symlink_to(secret)
    course.write("slides/ch.md", "# T\n\n![ok](images/ok.png)\n\n![out](images/pic.png)\n")
    course.write("slides/d.yml", "title: T\ncontent:\n- ch.md\n")
    app = Serve(course.root, course.root / "dist", port=0, log=lambda line: None)
    app.start()
    try:
        status, body = get(app, "/en/images/pic.png")
        assert status == 404 and "TOP-SECRET" not in body
        assert not (course.root / "dist/en/images/pic.png").exists()
        assert "slides/ch.md:5: picture slides/images/pic.png: outside the repository" in [
            str(d) for d in app.workspace.errors]
    finally:
        app.stop()
