"""Restore stage: put Vietnamese diacritics back into stripped or damaged text.

    from pipeline.restore import load_model, restore_text
    model = load_model()                      # models/restore_lm.npz
    r = restore_text("Uy ban nhan dan tinh", model)
    r.text   -> "Ủy ban nhân dân tỉnh";  r.mode -> "stripped";  r.changes -> [Change, ...]
"""

from .api import Change, OcrParams, Restoration, RestoreModel, load_model, restore_text

__all__ = ["Change", "OcrParams", "Restoration", "RestoreModel", "load_model", "restore_text"]
