"""Jupyter's contents manager for `npm start` that does not serve the homework masters.

Hiding notebooks/homework-masters/ from the file list (ContentsManager.hide_globs) still let
/notebooks/homework-masters/… and /api/contents/homework-masters answer. This manager answers 404
for every path under a hidden top folder (get, exists, files, save, rename, delete), so the
student-facing server serves no master. scripts/setup/start.sh uses it unless DESCENT_SHOW_MASTERS=1.
"""
from notebook.services.contents.largefilemanager import LargeFileManager
from tornado import web

HIDDEN = ("homework-masters",)


def _hidden(path):
    parts = [p for p in str(path or "").strip("/").split("/") if p]
    return bool(parts) and parts[0] in HIDDEN


def _refuse(path):
    raise web.HTTPError(404, "No such file or directory: %s" % path)


class MastersHiddenContentsManager(LargeFileManager):
    def get(self, path, content=True, type=None, format=None):
        if _hidden(path):
            _refuse(path)
        return super().get(path, content=content, type=type, format=format)

    def save(self, model, path=""):
        if _hidden(path):
            _refuse(path)
        return super().save(model, path)

    def delete_file(self, path):
        if _hidden(path):
            _refuse(path)
        return super().delete_file(path)

    def rename_file(self, old_path, new_path):
        if _hidden(old_path) or _hidden(new_path):
            _refuse(old_path)
        return super().rename_file(old_path, new_path)

    def file_exists(self, path=""):
        return False if _hidden(path) else super().file_exists(path)

    def dir_exists(self, path):
        return False if _hidden(path) else super().dir_exists(path)

    def exists(self, path):
        return False if _hidden(path) else super().exists(path)

    def is_hidden(self, path):
        return True if _hidden(path) else super().is_hidden(path)
