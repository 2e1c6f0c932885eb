"""The 8x8 digits bundled with scikit-learn, in the shape the MNIST examples expect."""
import numpy as np
from sklearn.datasets import load_digits


def digits(permute_seed=0, n_test=360):
    """(train_images, train_labels, test_images, test_labels): images flattened to 64
    floats in [0, 1], labels one-hot float32."""
    d = load_digits()
    images = (d.data / 16.0).astype(np.float32)
    labels = (d.target[:, None] == np.arange(10)).astype(np.float32)
    perm = np.random.RandomState(permute_seed).permutation(len(images))
    images, labels = images[perm], labels[perm]
    return images[n_test:], labels[n_test:], images[:n_test], labels[:n_test]
