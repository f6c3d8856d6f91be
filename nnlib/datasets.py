"""Data for the book: a real table that ships with the package, and 2-D toys.

Every loader returns examples in columns, X of shape (n_x, m) and Y of
shape (1, m), the layout the whole library uses. Nothing is downloaded.
"""

import csv
import gzip
from importlib import resources

import numpy as np

from nnlib._validate import validate_X, validate_Y


def load_breast_cancer() -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Load the Breast Cancer Wisconsin (Diagnostic) table: 569 tumours, 30 features.

    The data come from the UCI Machine Learning Repository (Wolberg, Street
    and Mangasarian, 1995; CC BY 4.0); ``nnlib/data/README.md`` gives the
    full credit.

    Returns
    -------
    X : ndarray of shape (30, 569)
        Features of the cell nuclei, one tumour per column, unscaled.
    Y : ndarray of shape (1, 569)
        1 for malignant (212 tumours), 0 for benign (357).
    feature_names : list of str
        The name of each of the 30 rows of X.
    """
    with resources.files("nnlib").joinpath("data/wdbc.csv").open() as f:
        rows = list(csv.reader(f))
    header, body = rows[0], np.array(rows[1:], dtype=float)
    return body[:, :-1].T.copy(), body[:, -1:].T.copy(), header[:-1]


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """Load the 8x8 handwritten digits: 1,797 images of the digits 0 to 9.

    Each image is a handwritten digit scanned at 32x32 and counted down to
    8x8 blocks: a pixel is the number of inked points in its 4x4 block, 0 to
    16. The data come from the UCI Machine Learning Repository (Alpaydin and
    Kaynak, 1998; CC BY 4.0), as scikit-learn ships them;
    ``nnlib/data/README.md`` gives the full credit.

    Returns
    -------
    X : ndarray of shape (64, 1797)
        One image per column, its 8 rows of 8 pixels read row by row
        (``X[:, i].reshape(8, 8)`` is image i), values 0 to 16, unscaled.
    labels : ndarray of shape (1, 1797)
        The digit each image shows, an integer from 0 to 9 (174 to 183
        images of each).
    """
    with resources.files("nnlib").joinpath("data/digits.csv.gz").open("rb") as f:
        rows = np.loadtxt(gzip.open(f, "rt"), delimiter=",", dtype=np.int64)
    return np.ascontiguousarray(rows[:, :-1].T, dtype=float), rows[:, -1:].T.copy()


def train_test_split(
    X: np.ndarray, Y: np.ndarray, test_fraction: float = 0.25, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle the examples (columns) and hold out a fraction of them for testing.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (n_L, m)
    test_fraction : float, default 0.25
        Share of the m examples kept for testing, strictly between 0 and 1.
    seed : int, default 0
        Seed of the shuffle.

    Returns
    -------
    X_train : ndarray of shape (n_x, m_train)
    X_test : ndarray of shape (n_x, m_test)
    Y_train : ndarray of shape (n_L, m_train)
    Y_test : ndarray of shape (n_L, m_test)
    """
    X = validate_X(X, None)
    Y = validate_Y(Y, (np.shape(Y)[0] if np.ndim(Y) == 2 else 1, X.shape[1]))
    if not 0 < test_fraction < 1:
        raise ValueError(
            f"test_fraction must lie strictly between 0 and 1; got {test_fraction!r}"
        )
    m = X.shape[1]
    m_test = int(round(m * test_fraction))
    if not 0 < m_test < m:
        raise ValueError(
            f"test_fraction={test_fraction} of {m} examples leaves an empty "
            f"training or test set"
        )
    order = np.random.default_rng(seed).permutation(m)
    test, tr = order[:m_test], order[m_test:]
    return X[:, tr], X[:, test], Y[:, tr], Y[:, test]


def train_val_test_split(
    X: np.ndarray,
    Y: np.ndarray,
    val_fraction: float = 0.2,
    test_fraction: float = 0.25,
    seed: int = 0,
) -> tuple[np.ndarray, ...]:
    """Shuffle the examples (columns) into a training, a validation and a test set.

    The test set is the one ``train_test_split`` holds out with the same
    ``test_fraction`` and ``seed``; the validation set is cut from what
    remains, so the training set is the rest. Fit the weights on the
    training set, make every choice (learning rate, epochs, architecture,
    initialisation) on the validation set, and measure the test set once,
    at the end.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
    Y : ndarray of shape (n_L, m)
    val_fraction : float, default 0.2
        Share of the m examples kept for validation.
    test_fraction : float, default 0.25
        Share of the m examples kept for testing.
    seed : int, default 0
        Seed of the shuffle.

    Returns
    -------
    X_train, X_val, X_test : ndarray of shape (n_x, m_train), (n_x, m_val), (n_x, m_test)
    Y_train, Y_val, Y_test : ndarray of shape (n_L, m_train), (n_L, m_val), (n_L, m_test)
    """
    for name, fraction in (("val_fraction", val_fraction), ("test_fraction", test_fraction)):
        if not 0 < fraction < 1:
            raise ValueError(
                f"{name} must lie strictly between 0 and 1; got {fraction!r}"
            )
    if not val_fraction + test_fraction < 1:
        raise ValueError(
            f"val_fraction + test_fraction must be below 1 to leave a "
            f"training set; got {val_fraction} + {test_fraction}"
        )
    # checks X, Y and test_fraction, and holds out the same test set
    X_rest, X_test, Y_rest, Y_test = train_test_split(X, Y, test_fraction, seed)
    m, m_test = X_rest.shape[1] + X_test.shape[1], X_test.shape[1]
    m_val = int(round(m * val_fraction))
    if not 0 < m_val < m - m_test:
        raise ValueError(
            f"val_fraction={val_fraction} of {m} examples leaves an empty "
            f"training or validation set"
        )
    # train_test_split keeps the rest in shuffled order: its first m_val
    # examples are the validation set
    return (X_rest[:, m_val:], X_rest[:, :m_val], X_test,
            Y_rest[:, m_val:], Y_rest[:, :m_val], Y_test)


def standardize(
    X_train: np.ndarray, *others: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Scale every feature (row) to mean 0 and standard deviation 1 on the training set.

    The mean and standard deviation are measured on ``X_train`` only and
    applied unchanged to the other arrays, so that nothing about the test
    set leaks into training.

    Parameters
    ----------
    X_train : ndarray of shape (n_x, m_train)
    *others : ndarray of shape (n_x, m_k)
        Further sets to scale the same way, such as the test set.

    Returns
    -------
    scaled : tuple of ndarray
        ``X_train`` and each of ``others``, scaled, in the order given.
    """
    X_train = validate_X(X_train, None)
    others = [validate_X(X, X_train.shape[0], where="X_train") for X in others]
    mu = X_train.mean(axis=1, keepdims=True)
    sigma = X_train.std(axis=1, keepdims=True)
    sigma[sigma == 0] = 1.0  # a constant feature stays 0 instead of 0 / 0
    return tuple((X - mu) / sigma for X in (X_train, *others))


def make_moons(
    m: int = 400, noise: float = 0.15, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Draw two interleaving half circles in the plane, one per class.

    No straight line separates the classes, so a network needs a hidden
    layer to fit them: a small problem whose decision boundary can be drawn.

    Parameters
    ----------
    m : int, default 400
        Number of points, split evenly between the two classes (the extra
        point of an odd m goes to class 0).
    noise : float, default 0.15
        Standard deviation of the Gaussian noise added to each coordinate.
    seed : int, default 0
        Seed of the random generator.

    Returns
    -------
    X : ndarray of shape (2, m)
        Coordinates, one point per column.
    Y : ndarray of shape (1, m)
        0 for the upper moon, 1 for the lower one.
    """
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or m < 2:
        raise ValueError(f"m must be a whole number of points, at least 2; got {m!r}")
    if not noise >= 0:
        raise ValueError(f"noise must be zero or more; got {noise!r}")
    rng = np.random.default_rng(seed)
    m1 = m // 2
    m0 = m - m1
    t0 = np.linspace(0, np.pi, m0)
    t1 = np.linspace(0, np.pi, m1)
    X = np.hstack(
        [
            np.vstack([np.cos(t0), np.sin(t0)]),
            np.vstack([1 - np.cos(t1), 0.5 - np.sin(t1)]),
        ]
    )
    X += rng.normal(scale=noise, size=X.shape)
    Y = np.hstack([np.zeros((1, m0)), np.ones((1, m1))])
    order = rng.permutation(m)
    return X[:, order], Y[:, order]


def over_splits(X, Y, recipe, pairs, val_fraction: float = 0.2, test_fraction: float = 0.25) -> list:
    """Run a recipe once per (seed, split) pair, each on its own standardised three sets.

    One training run measures one draw of the data (which examples fall in
    which set) and one draw of the initial weights. A claim about learning
    ("this model wins", "the accuracy is 97%") should hold over many such
    draws: this runs the same recipe over each pair and returns what it
    returns, to be summed up as a mean and a spread.

    For each ``(seed, split)`` the examples are cut by
    ``train_val_test_split(X, Y, val_fraction, test_fraction, seed=split)``,
    standardised with that training set's statistics, and passed to
    ``recipe(sets, seed)``, where ``sets`` is a dict with keys ``X_train``,
    ``Y_train``, ``X_val``, ``Y_val``, ``X_test`` and ``Y_test``.

    Parameters
    ----------
    X : ndarray of shape (n_x, m)
        Raw features, one example per column.
    Y : ndarray of shape (n_L, m)
        Labels.
    recipe : callable
        ``recipe(sets, seed) -> result``: trains with ``seed`` and measures.
    pairs : sequence of (int, int)
        The (seed, split) pairs, at least one.
    val_fraction, test_fraction : float
        As for ``train_val_test_split``.

    Returns
    -------
    results : list
        ``recipe``'s result for each pair, in the order of ``pairs``.
    """
    if not callable(recipe):
        raise ValueError(
            f"recipe must be a function recipe(sets, seed); got {type(recipe).__name__}"
        )
    pairs = list(pairs)
    if not pairs:
        raise ValueError("pairs must hold at least one (seed, split) pair; got none")
    for pair in pairs:
        if (
            np.ndim(pair) != 1
            or len(pair) != 2
            or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in pair)
        ):
            raise ValueError(
                f"each pair must be (seed, split), two whole numbers; got {pair!r}"
            )
    results = []
    for seed, split in pairs:
        X_train, X_val, X_test, Y_train, Y_val, Y_test = train_val_test_split(
            X, Y, val_fraction, test_fraction, seed=int(split)
        )
        X_train, X_val, X_test = standardize(X_train, X_val, X_test)
        sets = {"X_train": X_train, "Y_train": Y_train, "X_val": X_val,
                "Y_val": Y_val, "X_test": X_test, "Y_test": Y_test}
        results.append(recipe(sets, int(seed)))
    return results
