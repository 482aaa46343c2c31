"""The model file training writes and the model API serves: a standardized linear classifier as JSON.

JSON rather than a pickle: loading it runs no code, and the serving image needs neither scikit-learn nor the
exact version that trained it. Predictions equal scikit-learn's StandardScaler + LogisticRegression
`predict_proba` (tested in images/train).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any, Dict, List, Sequence

FORMAT = "mlops-linear-classifier/1"


class ModelFileError(Exception):
    """The model file is not in this format; the message names the field."""


@dataclass(frozen=True)
class LinearClassifier:
    features: List[str]
    classes: List[Any]
    mean: List[float]
    scale: List[float]
    coef: List[List[float]]
    intercept: List[float]

    def to_json(self) -> bytes:
        return json.dumps({"format": FORMAT, "features": self.features, "classes": self.classes, "mean": self.mean, "scale": self.scale, "coef": self.coef, "intercept": self.intercept}, indent=2).encode()

    @staticmethod
    def from_json(data: bytes) -> "LinearClassifier":
        try:
            doc: Dict[str, Any] = json.loads(data)
        except (ValueError, UnicodeDecodeError) as e:
            raise ModelFileError(f"model file is not JSON: {e}") from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise ModelFileError(f"model file format: expected {FORMAT!r}, found {doc.get('format') if isinstance(doc, dict) else type(doc).__name__!r}")
        n = len(doc.get("features") or [])
        rows = 1 if len(doc.get("classes") or []) == 2 else len(doc.get("classes") or [])
        for field, length in (("mean", n), ("scale", n), ("intercept", rows)):
            if not isinstance(doc.get(field), list) or len(doc[field]) != length:
                raise ModelFileError(f"model file field {field}: expected {length} numbers, found {doc.get(field)!r:.80}")
        if n == 0 or not isinstance(doc.get("coef"), list) or len(doc["coef"]) != rows or any(len(r) != n for r in doc["coef"]):
            raise ModelFileError(f"model file field coef: expected {rows} row(s) of {n} numbers")
        return LinearClassifier(features=list(doc["features"]), classes=list(doc["classes"]), mean=doc["mean"], scale=doc["scale"], coef=doc["coef"], intercept=doc["intercept"])

    def predict_proba(self, row: Sequence[float]) -> List[float]:
        """Class probabilities for one row of features, in `features` order."""
        if len(row) != len(self.features):
            raise ValueError(f"expected {len(self.features)} features ({', '.join(self.features)}), found {len(row)}")
        z = [(float(x) - m) / (s or 1.0) for x, m, s in zip(row, self.mean, self.scale)]
        scores = [sum(c * v for c, v in zip(coefs, z)) + b for coefs, b in zip(self.coef, self.intercept)]
        if len(self.classes) == 2:
            p = 1.0 / (1.0 + math.exp(-scores[0])) if scores[0] > -700 else 0.0
            return [1.0 - p, p]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return [e / total for e in exps]

    def predict(self, row: Sequence[float]) -> Any:
        probabilities = self.predict_proba(row)
        return self.classes[max(range(len(probabilities)), key=probabilities.__getitem__)]
