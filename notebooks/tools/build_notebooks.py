"""Write the notebooks of this folder from the cell sources below.

The .ipynb files are committed without outputs; edit them in Jupyter or here
and re-run `python notebooks/tools/build_notebooks.py`.
"""
import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent.parent


def nb(cells):
    out = []
    for i, (kind, src) in enumerate(cells):
        src = src.strip("\n")
        lines = [l + "\n" for l in src.split("\n")]
        lines[-1] = lines[-1].rstrip("\n")
        cell = {"cell_type": kind, "id": f"c{i:02d}", "metadata": {}, "source": lines}
        if kind == "code":
            cell["execution_count"] = None
            cell["outputs"] = []
        out.append(cell)
    return {
        "cells": out,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


SETUP = '''
import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
from framelens_export import export_dir, load, usable, outlet_labels, bootstrap_ci, ols

pd.set_option("display.max_colwidth", 120)
EXPORT = export_dir()
print("export folder:", EXPORT)
articles = load("articles.csv")
print(len(articles), "articles,", articles["outlet"].nunique() if "outlet" in articles else 0, "outlets")
'''

OUTLETS = [
    ("markdown", '''
# Comparing outlets

How differently do outlets frame the news? This notebook reads a framelens export folder
(the environment variable `FRAMELENS_EXPORT`, or the demo export `../reports/demo` written by
`cargo run --release -- report datasets/demo --out reports/demo`) and shows:

1. per-outlet means of framing measures, with 95% bootstrap intervals;
2. a regression of the article framing score on outlet.

Every column is described in `docs/DATA_DICTIONARY.md`. With few articles per outlet the
intervals are wide: read them before reading the means.
'''),
    ("code", SETUP),
    ("markdown", '''
## 1. Outlet means with intervals

For each outlet and measure: the mean over its articles and a 95% percentile bootstrap interval
(2,000 resamples, fixed seed, so the numbers are reproducible).
'''),
    ("code", '''
MEASURES = [
    "framing_score", "loaded_language_per_1k", "hedge_per_1k", "booster_per_1k",
    "anonymous_source_per_1k", "attribution_loaded_per_1k", "quote_share", "subjectivity",
]
measures = [m for m in MEASURES if m in articles.columns]
rows = []
if len(articles):
    label = outlet_labels(articles)
    for m in measures:
        vals = pd.to_numeric(articles[m], errors="coerce")
        for outlet, v in vals.groupby(label):
            v = v.dropna()
            lo, hi = bootstrap_ci(v)
            rows.append({"measure": m, "outlet": outlet, "n": len(v),
                         "mean": v.mean() if len(v) else np.nan, "ci_low": lo, "ci_high": hi})
summary = pd.DataFrame(rows, columns=["measure", "outlet", "n", "mean", "ci_low", "ci_high"])
summary.round(3)
'''),
    ("code", '''
plotted = [m for m in measures if summary.loc[summary.measure == m, "mean"].notna().any()]
if not plotted:
    print("note: no measure has values in this export; nothing to plot")
else:
    ncols = 2
    nrows = (len(plotted) + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(11, 2.2 + 2.0 * nrows), squeeze=False)
    for ax, m in zip(axes.flat, plotted):
        s = summary[summary.measure == m].dropna(subset=["mean"]).sort_values("mean")
        y = np.arange(len(s))
        err = np.vstack([s["mean"] - s["ci_low"], s["ci_high"] - s["mean"]]).clip(min=0)
        ax.errorbar(s["mean"], y, xerr=err, fmt="o", capsize=3)
        ax.set_yticks(y, s["outlet"])
        ax.set_title(m)
    for ax in list(axes.flat)[len(plotted):]:
        ax.set_visible(False)
    fig.suptitle("Outlet means with 95% bootstrap intervals")
    fig.tight_layout()
    plt.show()
'''),
    ("markdown", '''
## 2. Regression of framing score on outlet

Ordinary least squares of `framing_score` on outlet indicators. The outlet with the most
articles is the baseline (the intercept); each other coefficient is that outlet's difference
from it, with heteroskedasticity-robust (HC1) standard errors and normal-approximation 95%
intervals. Articles are not independent when outlets cover the same stories, so treat the
intervals as optimistic.
'''),
    ("code", '''
reg = None
if len(articles) and usable(articles, "framing_score", min_rows=3):
    df = pd.DataFrame({"y": pd.to_numeric(articles["framing_score"], errors="coerce"),
                       "outlet": outlet_labels(articles)}).dropna()
    counts = df["outlet"].value_counts()
    if len(counts) < 2:
        print("note: fewer than two outlets with a framing score; no regression")
    else:
        base = sorted(counts[counts == counts.max()].index)[0]
        others = sorted(o for o in counts.index if o != base)
        X = np.column_stack([np.ones(len(df))] + [(df["outlet"] == o).to_numpy(float) for o in others])
        reg = ols(df["y"], X, ["(intercept: " + base + ")"] + others)
        print(f"n = {reg.attrs['n']}, R^2 = {reg.attrs['r2']:.3f}, baseline outlet: {base}")
        if reg.attrs["n"] <= X.shape[1]:
            print("note: as many outlets as articles: the fit is exact and the intervals are "
                  "meaningless; analyse a larger export")
reg.round(3) if reg is not None else None
'''),
    ("code", '''
if reg is not None and len(reg) > 1:
    r = reg.iloc[1:].sort_values("coef")
    fig, ax = plt.subplots(figsize=(8, 1.5 + 0.4 * len(r)))
    y = np.arange(len(r))
    ax.errorbar(r["coef"], y, xerr=np.vstack([r["coef"] - r["ci_low"], r["ci_high"] - r["coef"]]),
                fmt="o", capsize=3)
    ax.axvline(0, color="grey", lw=1)
    ax.set_yticks(y, r.index)
    ax.set_xlabel("difference in framing score from the baseline outlet (points)")
    fig.tight_layout()
    plt.show()
'''),
]

RELIABILITY = [
    ("markdown", '''
# Framing, reliability and the most loaded sentences

Reads a framelens export folder (`FRAMELENS_EXPORT`, default `../reports/demo`) and shows:

1. the article framing score against the text-based reliability index;
2. the sentences the classifier finds most likely to be framed (highest `framing_prob`).

Both scores are documented in `docs/DATA_DICTIONARY.md` and `docs/MODEL.md`. They are
computed from the text alone: they describe how an article is written, not whether it is true.
'''),
    ("code", SETUP + '''sentences = load("sentences.csv")
print(len(sentences), "sentences")
'''),
    ("markdown", '''
## 1. Framing against reliability

Each point is an article. The Spearman rank correlation is given with a 95% bootstrap interval
(resampling articles, fixed seed).
'''),
    ("code", '''
if len(articles) and usable(articles, "framing_score", "reliability_score", min_rows=3):
    d = pd.DataFrame({
        "framing": pd.to_numeric(articles["framing_score"], errors="coerce"),
        "reliability": pd.to_numeric(articles["reliability_score"], errors="coerce"),
        "outlet": outlet_labels(articles),
    }).dropna()
    def spearman(a, b):  # Pearson correlation of the ranks (no SciPy needed)
        return a.rank().corr(b.rank())

    if d["framing"].nunique() < 2 or d["reliability"].nunique() < 2:
        print("note: one of the scores is constant in this export; no correlation")
    else:
        rho = spearman(d["framing"], d["reliability"])
        rng = np.random.default_rng(0)
        boots = []
        for _ in range(2000):
            s = d.iloc[rng.integers(0, len(d), len(d))]
            if s["framing"].nunique() > 1 and s["reliability"].nunique() > 1:
                boots.append(spearman(s["framing"], s["reliability"]))
        boots = np.asarray(boots, dtype=float)
        lo, hi = (np.quantile(boots, [0.025, 0.975]) if len(boots) else (np.nan, np.nan))
        print(f"Spearman rho = {rho:.3f} (95% bootstrap interval {lo:.3f} to {hi:.3f}), n = {len(d)}")
    fig, ax = plt.subplots(figsize=(7, 5))
    for outlet, g in d.groupby("outlet"):
        ax.scatter(g["reliability"], g["framing"], label=outlet, alpha=0.8)
    ax.set_xlabel("reliability_score (0-100)")
    ax.set_ylabel("framing_score (0-100)")
    if d["outlet"].nunique() <= 12:
        ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    plt.show()
'''),
    ("markdown", '''
## 2. The sentences with the highest framing probability

`framing_prob` is the calibrated probability that expert annotators would call the sentence
biased. The table joins each sentence to its article's outlet and title.
'''),
    ("code", '''
top = pd.DataFrame()
if len(sentences) and usable(sentences, "framing_prob"):
    s = sentences.assign(framing_prob=pd.to_numeric(sentences["framing_prob"], errors="coerce"))
    s = s.dropna(subset=["framing_prob"])
    meta = [c for c in ["article_id", "outlet", "title"] if c in articles.columns]
    if "article_id" in meta:
        s = s.merge(articles[meta].drop_duplicates("article_id"), on="article_id", how="left")
    s = s.sort_values(["framing_prob", "article_id", "sentence_index"],
                      ascending=[False, True, True], kind="mergesort")
    cols = [c for c in ["framing_prob", "outlet", "title", "article_id", "sentence_index", "text"] if c in s.columns]
    top = s[cols].head(15).reset_index(drop=True)
top
'''),
    ("code", '''
if len(sentences) and "framing_prob" in sentences.columns:
    p = pd.to_numeric(sentences["framing_prob"], errors="coerce").dropna()
    if len(p):
        fig, ax = plt.subplots(figsize=(7, 3))
        ax.hist(p, bins=20, range=(0, 1))
        ax.set_xlabel("framing_prob")
        ax.set_ylabel("sentences")
        fig.tight_layout()
        plt.show()
    else:
        print("note: framing_prob is empty in this export")
'''),
]

for name, cells in [("outlet_comparison.ipynb", OUTLETS), ("framing_and_reliability.ipynb", RELIABILITY)]:
    (HERE / name).write_text(json.dumps(nb(cells), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print("wrote", HERE / name)
