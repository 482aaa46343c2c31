"""GIVEN processed data THEN training measures held-out metrics and writes a model file whose predictions
equal scikit-learn's own, for two and for three classes; too little data is refused with what was found."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from mlops_common.linear_model import LinearClassifier, ModelFileError
from train_job.training import NotEnoughData, load_dataset, train


def csv_of(x: np.ndarray, y: np.ndarray, columns=("a", "b")) -> bytes:
    lines = [",".join([*columns, "label"])] + [",".join([*(repr(float(v)) for v in row), str(int(t))]) for row, t in zip(x, y)]
    return ("\n".join(lines) + "\n").encode()


def blobs(classes: int, n: int = 60, seed: int = 1):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % classes
    x = rng.normal(size=(n, 2)) + y[:, None] * 2.5
    return x, y


@pytest.mark.parametrize("classes", [2, 3])
def test_the_model_file_predicts_what_scikit_learn_predicts(classes: int) -> None:
    x, y = blobs(classes)
    trained = train(load_dataset([("processed/d/a.csv", csv_of(x, y))]))
    model = LinearClassifier.from_json(trained.model.to_json())
    # scikit-learn itself, given the parameters the model file holds, is the reference.
    logistic = LogisticRegression(max_iter=1000)
    logistic.classes_ = np.array(model.classes)
    logistic.coef_ = np.array(model.coef)
    logistic.intercept_ = np.array(model.intercept)
    scaler = StandardScaler()
    scaler.mean_, scaler.scale_ = np.array(model.mean), np.array(model.scale)
    scaler.n_features_in_ = 2
    reference = Pipeline([("s", scaler), ("c", logistic)])
    expected = reference.predict_proba(x[:10])
    got = np.array([model.predict_proba(row) for row in x[:10]])
    assert np.allclose(got, expected, atol=1e-9)
    assert [model.predict(row) for row in x[:10]] == reference.predict(x[:10]).tolist()


def test_metrics_are_held_out_f1_auc_accuracy_and_separable_data_scores_high() -> None:
    x, y = blobs(2, n=80)
    trained = train(load_dataset([("k", csv_of(x, y))]))
    assert set(trained.metrics) == {"f1", "auc", "accuracy"}
    assert trained.metrics["auc"] > 0.9
    assert trained.params["rows_test"] == "20"


def test_files_share_features_and_files_without_label_are_skipped() -> None:
    x, y = blobs(2, n=20)
    dataset = load_dataset([("one", csv_of(x, y)), ("two", csv_of(x[:, ::-1], y, ("b", "a"))), ("nolabel", b"a,b\n1,2\n")])
    assert dataset.features == ["a", "b"] and dataset.x.shape == (40, 2)
    assert np.allclose(dataset.x[20:], dataset.x[:20])
    assert dataset.skipped_files == ["nolabel"]


@pytest.mark.parametrize("rows, labels, message", [(4, [0, 1, 0, 1], "found 4 row"), (12, [1] * 12, "classes")])
def test_too_little_data_is_refused_saying_what_was_found(rows: int, labels, message: str) -> None:
    x = np.arange(rows * 2, dtype=float).reshape(rows, 2)
    with pytest.raises(NotEnoughData, match=message):
        train(load_dataset([("k", csv_of(x, np.array(labels)))]))


def test_a_model_file_of_another_format_is_refused_naming_the_field() -> None:
    with pytest.raises(ModelFileError, match="format"):
        LinearClassifier.from_json(b'{"format": "pickle"}')
    with pytest.raises(ModelFileError, match="coef"):
        LinearClassifier.from_json(b'{"format": "mlops-linear-classifier/1", "features": ["a"], "classes": [0, 1], "mean": [0], "scale": [1], "intercept": [0], "coef": [[1, 2]]}')
