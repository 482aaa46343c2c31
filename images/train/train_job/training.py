"""Loading the processed data and fitting the model: StandardScaler + LogisticRegression, held-out metrics."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from mlops_common.linear_model import LinearClassifier

LABEL = "label"
MIN_ROWS = 10
TEST_SIZE = 0.25
SEED = 42
PRIMARY_METRIC = "f1"


class NotEnoughData(Exception):
    """Too few labelled rows or classes to train and evaluate; says what was found."""


@dataclass(frozen=True)
class Dataset:
    features: List[str]
    x: np.ndarray
    y: np.ndarray
    files: List[str]
    skipped_files: List[str]


def load_dataset(files: Sequence[Tuple[str, bytes]]) -> Dataset:
    """Rows of every processed CSV that has a `label` column; features are the columns all of them share."""
    tables: List[Tuple[str, List[str], List[List[str]]]] = []
    skipped: List[str] = []
    for key, data in files:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
        if not rows or LABEL not in rows[0]:
            skipped.append(key)
            continue
        tables.append((key, rows[0], rows[1:]))
    if not tables:
        raise NotEnoughData(f"no processed file has a {LABEL!r} column (looked at {len(files)} file(s))")
    shared = [c for c in tables[0][1] if c != LABEL and all(c in header for _, header, _ in tables)]
    if not shared:
        raise NotEnoughData("the processed files share no feature column besides the label")
    xs: List[List[float]] = []
    ys: List[float] = []
    for _, header, rows in tables:
        index = {c: i for i, c in enumerate(header)}
        for row in rows:
            xs.append([float(row[index[c]]) for c in shared])
            ys.append(float(row[index[LABEL]]))
    return Dataset(features=shared, x=np.array(xs, dtype=float), y=np.array(ys), files=[k for k, _, _ in tables], skipped_files=skipped)


@dataclass(frozen=True)
class TrainedModel:
    model: LinearClassifier
    metrics: Dict[str, float]
    params: Dict[str, str]


def train(dataset: Dataset, c: float = 1.0) -> TrainedModel:
    """Fits on 75 %, measures f1, auc and accuracy on the held-out 25 % (stratified, seeded: reruns agree)."""
    classes, counts = np.unique(dataset.y, return_counts=True)
    if len(dataset.y) < MIN_ROWS or len(classes) < 2 or counts.min() < 2:
        raise NotEnoughData(f"need at least {MIN_ROWS} labelled rows and 2 rows of each of at least 2 classes, found {len(dataset.y)} row(s), classes {dict(zip(classes.tolist(), counts.tolist()))}")
    x_train, x_test, y_train, y_test = train_test_split(dataset.x, dataset.y, test_size=TEST_SIZE, random_state=SEED, stratify=dataset.y)
    pipeline = Pipeline([("scale", StandardScaler()), ("classify", LogisticRegression(C=c, max_iter=1000))])
    pipeline.fit(x_train, y_train)
    proba = pipeline.predict_proba(x_test)
    predicted = pipeline.predict(x_test)
    binary = len(classes) == 2
    metrics = {
        "f1": float(f1_score(y_test, predicted, average="binary" if binary else "macro", pos_label=classes[1] if binary else 1)),
        "accuracy": float(accuracy_score(y_test, predicted)),
    }
    if len(np.unique(y_test)) == len(classes):
        metrics["auc"] = float(roc_auc_score(y_test, proba[:, 1]) if binary else roc_auc_score(y_test, proba, multi_class="ovr", labels=classes))
    scaler: StandardScaler = pipeline.named_steps["scale"]
    logistic: LogisticRegression = pipeline.named_steps["classify"]
    model = LinearClassifier(
        features=list(dataset.features),
        classes=[int(v) if float(v).is_integer() else float(v) for v in logistic.classes_],
        mean=[float(v) for v in scaler.mean_],
        scale=[float(v) for v in scaler.scale_],
        coef=[[float(v) for v in row] for row in logistic.coef_],
        intercept=[float(v) for v in logistic.intercept_],
    )
    params = {
        "model_type": "StandardScaler+LogisticRegression",
        "C": str(c),
        "max_iter": "1000",
        "features": ",".join(dataset.features),
        "rows_train": str(len(y_train)),
        "rows_test": str(len(y_test)),
        "data_files": str(len(dataset.files)),
    }
    return TrainedModel(model=model, metrics=metrics, params=params)
