"""Load a framelens export folder into pandas.

Used by the notebooks in this folder. The folder comes from the environment
variable FRAMELENS_EXPORT, else the demo export ``../reports/demo`` (written by
``cargo run --release -- report datasets/demo --out reports/demo``).

Every column is documented in docs/DATA_DICTIONARY.md. Cells that framelens
neutralised against spreadsheet formula injection (a leading ``'`` before
``= + - @``) are restored to their original text here.
"""

from __future__ import annotations

import os
import pathlib

import numpy as np
import pandas as pd

NEUTRALISED = ("'=", "'+", "'-", "'@", "'\t", "'\r")

# Columns that hold text even when they look numeric.
TEXT_COLUMNS = {
    "article_id", "source", "outlet", "outlet_evidence", "url", "title",
    "published", "published_evidence", "byline", "wire_credits", "language",
    "story_id", "flags", "text", "category", "rule", "note", "reason",
    "framing_top_sentences", "framing_top_terms", "reliability_components",
}


def export_dir() -> pathlib.Path:
    """The export folder to analyse."""
    env = os.environ.get("FRAMELENS_EXPORT")
    if env:
        return pathlib.Path(env).expanduser().resolve()
    here = pathlib.Path.cwd()
    for base in (here, here.parent):
        cand = base / "reports" / "demo"
        if cand.is_dir():
            return cand.resolve()
    return (here.parent / "reports" / "demo").resolve()


def _unneutralise(v):
    if isinstance(v, str) and v.startswith(NEUTRALISED):
        return v[1:]
    return v


def load(name: str, folder: pathlib.Path | None = None) -> pd.DataFrame:
    """Read one CSV export (empty frame with no columns if it is missing)."""
    folder = folder or export_dir()
    path = folder / name
    if not path.is_file():
        print(f"note: {path} not found; treating it as empty")
        return pd.DataFrame()
    head = pd.read_csv(path, nrows=0).columns
    dtypes = {c: str for c in head if c in TEXT_COLUMNS}
    df = pd.read_csv(
        path, dtype=dtypes, keep_default_na=False, na_values=[""], encoding="utf-8"
    )
    for c in df.columns:
        if df[c].dtype == object:
            df[c] = df[c].map(_unneutralise)
    return df


def usable(df: pd.DataFrame, *cols: str, min_rows: int = 1) -> bool:
    """True when every column exists and has at least ``min_rows`` values."""
    for c in cols:
        if c not in df.columns:
            print(f"note: column `{c}` is not in this export; skipping")
            return False
        n = pd.to_numeric(df[c], errors="coerce").notna().sum() if df[c].dtype != object else df[c].notna().sum()
        if n < min_rows:
            print(f"note: column `{c}` has {n} values (need {min_rows}); skipping")
            return False
    return True


def outlet_labels(df: pd.DataFrame) -> pd.Series:
    """Outlet names, with empty ones labelled '(unknown outlet)'."""
    if "outlet" not in df.columns:
        return pd.Series(["(unknown outlet)"] * len(df), index=df.index)
    return df["outlet"].fillna("").replace("", "(unknown outlet)")


def bootstrap_ci(values, stat=np.mean, n_boot: int = 2000, level: float = 0.95, seed: int = 0):
    """Percentile bootstrap interval of ``stat`` (fixed seed: deterministic)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if len(v) == 0:
        return (np.nan, np.nan)
    if len(v) == 1:
        return (v[0], v[0])
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(v), size=(n_boot, len(v)))
    boots = stat(v[idx], axis=1)
    lo, hi = np.quantile(boots, [(1 - level) / 2, 1 - (1 - level) / 2])
    return (float(lo), float(hi))


def ols(y, X, names):
    """Ordinary least squares with HC1 (heteroskedasticity-robust) standard
    errors and normal-approximation 95% intervals. Returns a DataFrame."""
    y = np.asarray(y, dtype=float)
    X = np.asarray(X, dtype=float)
    n, k = X.shape
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ beta
    xtx_inv = np.linalg.pinv(X.T @ X)
    meat = (X * resid[:, None] ** 2).T @ X
    dof = max(n - k, 1)
    cov = xtx_inv @ meat @ xtx_inv * (n / dof)
    se = np.sqrt(np.clip(np.diag(cov), 0, None))
    ss_tot = ((y - y.mean()) ** 2).sum()
    r2 = 1 - (resid @ resid) / ss_tot if ss_tot > 0 else float("nan")
    if ss_tot == 0:
        print("note: the outcome is constant in this export; coefficients are not informative")
    out = pd.DataFrame(
        {
            "coef": beta,
            "robust_se": se,
            "ci_low": beta - 1.96 * se,
            "ci_high": beta + 1.96 * se,
        },
        index=names,
    )
    out.attrs["n"] = n
    out.attrs["r2"] = float(r2)
    return out
