"""GIVEN: plot a few MNIST-1D test signals with the model's predicted and true classes."""
import numpy as np


def visualize_predictions(model, inputs, labels_one_hot, path="predictions.png", count=10):
    """Save a figure of ``count`` signals: green titles where the model is right, red where it
    is wrong (PL = predicted label, L = true label)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    probs = np.asarray(model(inputs[:count]))
    predicted, actual = probs.argmax(axis=-1), np.asarray(labels_one_hot[:count]).argmax(axis=-1)
    fig, axes = plt.subplots(2, (count + 1) // 2, figsize=(2.2 * ((count + 1) // 2), 4.5),
                             squeeze=False)
    for ax, signal, p, a in zip(axes.ravel(), np.asarray(inputs[:count]), predicted, actual):
        ax.plot(signal, color="black", linewidth=1)
        ax.set_title(f"PL: {p}  L: {a}", color="green" if p == a else "red", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle("Model predictions on MNIST-1D test signals")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
