"""`batch similarity`: a synthetic class of hand-written backprop submissions.

Nine independently written backprop.py files (different styles: loops, vectorized, classes,
helpers), a planted copy (renamed variables, reordered functions, other comments), a
submission that is only the handout skeleton, a copy of the staff solution, a group whose
member also submitted alone (same code: never paired), an earlier term's copy of one student,
a non-UTF-8 file and a broken zip. The report runs once per module (one process, < 2 s).
"""

from __future__ import annotations

import html
import re
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from autograder.batch.similarity import compare_docs, similarity_report
from autograder.batch.similarity_cli import similarity
from autograder.paths import CoursePaths

PATHS = CoursePaths()
ASSIGNMENT = PATHS.load("backprop")
SKELETON = PATHS.handout("backprop")

HEADER = '"""My backprop."""\nimport numpy as np\n\n'

INDEPENDENT = {
    "s01": HEADER + '''
def relu(f):
    out = f.copy()
    out[out < 0] = 0
    return out


def forward(x, weights, biases):
    pre, post = [], [x]
    current = x
    for layer in range(len(weights)):
        z = weights[layer].dot(current) + biases[layer]
        pre.append(z)
        if layer < len(weights) - 1:
            current = relu(z)
            post.append(current)
    return pre[-1], {"f": pre, "h": post}


def least_squares_loss(f, y):
    diff = f - y
    total = 0.0
    for col in range(f.shape[1]):
        total += diff[:, col].dot(diff[:, col])
    return total / f.shape[1]


def least_squares_grad(f, y):
    n_examples = f.shape[1]
    return (f - y) * (2.0 / n_examples)
''',
    "s02": HEADER + '''
class _Net:
    def __init__(self, weights, biases):
        self.weights = weights
        self.biases = biases

    def run(self, x):
        fs = []
        hs = [x]
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            if i:
                hs.append(np.where(fs[-1] > 0, fs[-1], 0.0))
            fs.append(w @ hs[-1] + b)
        return fs, hs


def relu(f):
    return np.where(f > 0, f, np.zeros_like(f))


def forward(x, weights, biases):
    fs, hs = _Net(weights, biases).run(x)
    return fs[len(fs) - 1], dict(f=fs, h=hs)


def softmax(f):
    m = f.max(axis=0)
    ex = np.exp(f - m[None, :])
    col_sums = ex.sum(axis=0)
    return ex / col_sums[None, :]
''',
    "s03": HEADER + '''
def relu(f):
    return (f > 0) * f


def _affine(w, b, h):
    return np.matmul(w, h) + b


def forward(x, weights, biases):
    cache = {"f": [], "h": [x]}
    h = x
    n_layers = len(weights)
    k = 0
    while k < n_layers:
        f = _affine(weights[k], biases[k], h)
        cache["f"].append(f)
        if k + 1 < n_layers:
            h = relu(f)
            cache["h"].append(h)
        k += 1
    return cache["f"][-1], cache


def cross_entropy_loss(f, y):
    batch = f.shape[1]
    top = np.amax(f, axis=0)
    lse = top + np.log(np.exp(f - top).sum(axis=0))
    picked = f[y, np.arange(batch)]
    return float(np.sum(lse - picked) / batch)
''',
    "s04": HEADER + '''
def relu(f):
    result = np.empty_like(f)
    rows, cols = f.shape
    for r in range(rows):
        for c in range(cols):
            result[r, c] = f[r, c] if f[r, c] > 0 else 0.0
    return result


def least_squares_loss(f, y):
    return np.mean(np.sum(np.square(f - y), axis=0))


def least_squares_grad(f, y):
    grad = np.zeros(f.shape)
    for i in range(f.shape[0]):
        for j in range(f.shape[1]):
            grad[i, j] = 2 * (f[i, j] - y[i, j]) / f.shape[1]
    return grad


def softmax(f):
    out = np.zeros_like(f, dtype=float)
    for j in range(f.shape[1]):
        column = f[:, j] - np.max(f[:, j])
        out[:, j] = np.exp(column) / np.exp(column).sum()
    return out
''',
    "s05": HEADER + '''
def relu(f):
    return np.clip(f, 0, None)


def forward(x, weights, biases):
    layers_f = [weights[0] @ x + biases[0]]
    layers_h = [x]
    for w, b in list(zip(weights, biases))[1:]:
        layers_h.append(relu(layers_f[-1]))
        layers_f.append(w @ layers_h[-1] + b)
    return layers_f[-1], {"h": layers_h, "f": layers_f}


def backward(dl_df_out, weights, cache):
    count = len(weights)
    grads_w = [np.zeros_like(w) for w in weights]
    grads_b = [np.zeros((w.shape[0], 1)) for w in weights]
    delta = dl_df_out.copy()
    for idx in reversed(range(count)):
        grads_w[idx] = delta @ cache["h"][idx].T
        grads_b[idx] = delta.sum(axis=1).reshape(-1, 1)
        if idx:
            mask = cache["f"][idx - 1] > 0
            delta = mask * weights[idx].T.dot(delta)
    return grads_w, grads_b
''',
    "s06": HEADER + '''
import math


def relu(f):
    flat = [max(v, 0.0) for v in np.asarray(f, dtype=float).ravel()]
    return np.array(flat).reshape(np.shape(f))


def cross_entropy_grad(f, y):
    labels = list(y)
    probs = softmax(f)
    for column, label in enumerate(labels):
        probs[label, column] = probs[label, column] - 1
    return probs / len(labels)


def softmax(f):
    result = np.array(f, dtype=float)
    for j in range(result.shape[1]):
        biggest = max(result[:, j])
        weights = [math.exp(v - biggest) for v in result[:, j]]
        norm = sum(weights)
        result[:, j] = [w / norm for w in weights]
    return result
''',
    "s07": HEADER + '''
LEAK = 0.0


def relu(f):
    return np.fmax(f, LEAK)


def least_squares_loss(f, y):
    residual = np.ravel(f - y)
    return float(residual @ residual) / np.size(f, 1)


def cross_entropy_loss(f, y):
    shift = f - f.max(0, keepdims=True)
    logp = shift - np.log(np.exp(shift).sum(0, keepdims=True))
    rows = np.asarray(y).astype(np.int64)
    return -logp[rows, range(len(rows))].mean()


def loss_and_gradients(x, y, weights, biases, loss="least_squares"):
    table = {"least_squares": (least_squares_loss, lambda a, b: 2 * (a - b) / a.shape[1]),
             "cross_entropy": (cross_entropy_loss, None)}
    out, cache = forward(x, weights, biases)
    value_fn, grad_fn = table[loss]
    grads = backward(grad_fn(out, y), weights, cache)
    return value_fn(out, y), grads[0], grads[1]
''',
    "s08": HEADER + '''
def relu(f):
    g = np.array(f, copy=True)
    np.maximum(g, 0, out=g)
    return g


def backward(dl_df_out, weights, cache):
    f_values, h_values = cache["f"], cache["h"]
    dws = []
    dbs = []
    upstream = dl_df_out
    layer = len(weights) - 1
    while layer >= 0:
        dws.insert(0, np.einsum("ik,jk->ij", upstream, h_values[layer]))
        dbs.insert(0, np.einsum("ik->i", upstream)[:, np.newaxis])
        if layer > 0:
            upstream = np.heaviside(f_values[layer - 1], 0) * np.einsum(
                "ji,jk->ik", weights[layer], upstream)
        layer -= 1
    return dws, dbs
''',
    "s09": HEADER + '''
def relu(f):
    positive = f > 0
    return f * positive.astype(f.dtype)


def least_squares_grad(f, y):
    scale = 2.0 / float(y.shape[-1])
    return scale * np.subtract(f, y)


def cross_entropy_loss(f, y):
    stable = f - np.max(f, axis=0)
    denominators = np.log(np.sum(np.exp(stable), axis=0))
    numerators = np.array([stable[label, i] for i, label in enumerate(y)])
    return float(np.mean(denominators - numerators))


def forward(x, weights, biases):
    fs = []
    hs = []
    activation = x
    for position, weight in enumerate(weights):
        hs.append(activation)
        pre = np.dot(weight, activation) + biases[position]
        fs.append(pre)
        activation = relu(pre)
    return fs[-1], {"f": fs, "h": hs}
''',
}

# s05 rewritten by someone else: variables renamed, functions reordered, comments added.
PLANTED_COPY = HEADER + '''
# my own work!!
def backward(grad_out, ws, memo):
    n = len(ws)
    gw = [np.zeros_like(m) for m in ws]
    gb = [np.zeros((m.shape[0], 1)) for m in ws]
    d = grad_out.copy()
    for j in reversed(range(n)):
        gw[j] = d @ memo["h"][j].T      # weight gradient
        gb[j] = d.sum(axis=1).reshape(-1, 1)
        if j:
            on = memo["f"][j - 1] > 0
            d = on * ws[j].T.dot(d)
    return gw, gb


def forward(inp, ws, bs):
    zs = [ws[0] @ inp + bs[0]]
    acts = [inp]
    for mat, vec in list(zip(ws, bs))[1:]:
        acts.append(relu(zs[-1]))
        zs.append(mat @ acts[-1] + vec)
    return zs[-1], {"h": acts, "f": zs}


def relu(z):
    return np.clip(z, 0, None)
'''

GROUP_CODE = HEADER + '''
def relu(f):
    return np.piecewise(f, [f < 0, f >= 0], [0, lambda v: v])


def softmax(f):
    e = np.exp(f - np.max(f, 0))
    return e / np.sum(e, 0)


def least_squares_loss(f, y):
    return np.linalg.norm(f - y) ** 2 / f.shape[1]


def least_squares_grad(f, y):
    return np.multiply(2 / f.shape[1], f - y)
'''


def _student(n: int) -> dict:
    return {":name": f"Student {n:02d}", ":sid": f"20260{n:02d}", ":email": f"s{n:02d}@uni.edu"}


def _export(root: Path) -> dict[str, str]:
    """A Gradescope-style export folder; returns folder -> what it is."""
    meta: dict = {}
    kinds: dict[str, str] = {}

    def add(folder: str, kind: str, people: list[int], files: dict[str, bytes] | None = None,
            raw_zip: bytes | None = None) -> None:
        target = root / folder
        target.mkdir(parents=True)
        for name, data in (files or {}).items():
            (target / name).write_bytes(data)
        if raw_zip is not None:
            (target / "upload.zip").write_bytes(raw_zip)
        meta[folder] = {":submitters": [_student(p) for p in people],
                        ":created_at": "2026-01-14 21:03:11.482913000 -08:00", ":score": 10.0}
        kinds[folder] = kind

    for n, (name, code) in enumerate(sorted(INDEPENDENT.items()), 1):
        add(f"submission_{100 + n}", name, [n], {"backprop.py": code.encode()})
    add("submission_201", "copy-of-s05", [20], {"backprop.py": PLANTED_COPY.encode()})
    add("submission_202", "skeleton", [21],
        {f: (SKELETON / f).read_bytes() for f in ("backprop.py", "gradcheck.py")})
    add("submission_203", "solution", [22],
        {f: (ASSIGNMENT.solution / f).read_bytes() for f in ("backprop.py", "gradcheck.py")})
    add("submission_204", "group", [23, 24], {"backprop.py": GROUP_CODE.encode()})
    add("submission_205", "group-member-alone", [24], {"backprop.py": GROUP_CODE.encode()})
    add("submission_206", "not-utf8", [25], {"backprop.py": b"import numpy\n\xff\xfe = 1\n"})
    add("submission_207", "broken-zip", [26], raw_zip=b"PK\x03\x04 definitely not a zip")
    # a zipped upload inside the folder (what Gradescope keeps for a zip upload): s02's code
    import io
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hw/backprop.py", INDEPENDENT["s02"].replace("m = f.max", "mx = f.max")
                    .replace("m[None", "mx[None"))
    add("submission_208", "zipped-copy-of-s02", [27], raw_zip=buf.getvalue())
    (root / "submission_metadata.yml").write_text(yaml.safe_dump(meta))
    return kinds


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    base = tmp_path_factory.mktemp("similarity")
    kinds = _export(base / "export")
    earlier = base / "earlier"
    (earlier / "old_alice").mkdir(parents=True)
    (earlier / "old_alice" / "backprop.py").write_text(INDEPENDENT["s07"].replace("LEAK", "SLOPE"))
    (earlier / "old_bob").mkdir()
    (earlier / "old_bob" / "backprop.py").write_text(INDEPENDENT["s07"].replace("LEAK", "ALPHA"))
    result = similarity_report(ASSIGNMENT, base / "export", base / "out", [earlier], workers=1)
    return result, kinds, base


def _kind(kinds: dict[str, str], match_side) -> str:
    key = match_side.key
    return kinds.get(key, key)


def test_planted_copies_rank_at_the_top(report):
    result, kinds, _ = report
    this_term = [m for m in result.pairs if m.b.origin == "current"]
    top = {frozenset((_kind(kinds, m.a), _kind(kinds, m.b))) for m in this_term[:2]}
    assert top == {frozenset(("s05", "copy-of-s05")), frozenset(("s02", "zipped-copy-of-s02"))}
    for m in this_term[:2]:
        assert m.similarity_a > 0.9 and m.similarity_b > 0.9
        assert m.tokens_a > 100 and m.lines_a > 5
    independent = set(INDEPENDENT)
    for m in result.pairs:  # independent work does not reach the threshold
        assert not {_kind(kinds, m.a), _kind(kinds, m.b)} <= independent, m


def test_skeleton_is_ignored(report):
    result, kinds, _ = report
    skeleton = next(s for s in result.submissions if kinds[s.key] == "skeleton")
    assert skeleton.tokens == 0 and not skeleton.skipped
    assert all(skeleton.key not in (m.a.key, m.b.key) for m in result.pairs)
    index = result.index.read_text()
    assert "No code beyond the skeleton" in index


def test_staff_solution_copy_is_flagged(report):
    result, kinds, _ = report
    assert [kinds[m.a.key] for m in result.solution_matches] == ["solution"]
    m = result.solution_matches[0]
    assert m.similarity_a > 0.95 and m.b.origin == "solution"
    assert (result.out / m.page).is_file()
    assert "mostly the staff solution" in result.index.read_text()
    for m in result.pairs:  # the solution itself is never a member of a pair
        assert m.b.origin != "solution"


def test_same_people_are_never_paired(report):
    result, kinds, _ = report
    group = {"group", "group-member-alone"}
    for m in result.pairs:
        assert {_kind(kinds, m.a), _kind(kinds, m.b)} != group
    # the pair exists and is identical: only the same-person rule keeps it out
    subs = {kinds[s.key]: s for s in result.submissions}
    assert subs["group"].people & subs["group-member-alone"].people


def test_earlier_terms(report):
    result, kinds, _ = report
    ref_pairs = [m for m in result.pairs if m.b.origin != "current"]
    assert {(kinds[m.a.key], m.b.key) for m in ref_pairs} == {("s07", "earlier/old_alice"),
                                                              ("s07", "earlier/old_bob")}
    assert all("earlier term (earlier)" in m.flags for m in ref_pairs)
    # the two earlier submissions are identical but never compared with each other
    assert not any(m.a.origin != "current" for m in result.pairs)


def test_unreadable_submissions_are_listed_as_skipped(report):
    result, kinds, _ = report
    skipped = {kinds[s.key]: s.skipped for s in result.skipped}
    assert set(skipped) == {"not-utf8", "broken-zip"}
    assert "not UTF-8" in skipped["not-utf8"]
    assert "not a readable zip" in skipped["broken-zip"]
    index = result.index.read_text()
    assert "Skipped (2)" in index and "not UTF-8" in index


def test_html_is_static_and_names_both_students(report):
    result, kinds, _ = report
    pages = [result.index] + [result.out / m.page for m in result.pairs]
    for page in pages:
        text = page.read_text()
        assert not re.search(r"<script|<link|https?://", text), page
    m = result.pairs[0]
    page = (result.out / m.page).read_text()
    for side in (m.a, m.b):
        assert side.key in page
        assert re.search(r"20260\d\d", side.label)
        assert html.escape(side.label) in page
    assert page.count('<mark class="ma">') and page.count('<mark class="mb">')
    assert (result.out / "pairs.csv").read_text().count("\n") == len(result.pairs) + 1


def test_screen_misses_nothing_and_matches_copydetect(report, tmp_path):
    result, _, base = report
    full = similarity_report(ASSIGNMENT, base / "export", tmp_path / "out", [base / "earlier"],
                             workers=1, prefilter=0.0)
    assert full.pairs_compared >= result.pairs_compared
    assert [(m.a.key, m.b.key, round(m.similarity_a, 9)) for m in full.pairs] == \
        [(m.a.key, m.b.key, round(m.similarity_a, 9)) for m in result.pairs]
    # the numbers are copydetect's own (CodeFingerprint + compare_files on the same files)
    from copydetect import CodeFingerprint, compare_files

    from autograder.batch.similarity import _boilerplate

    bp = _boilerplate([SKELETON / "backprop.py", SKELETON / "gradcheck.py"], 25)
    a = CodeFingerprint("a.py", 25, 1, bp, fp=__import__("io").StringIO(INDEPENDENT["s05"]))
    b = CodeFingerprint("b.py", 25, 1, bp, fp=__import__("io").StringIO(PLANTED_COPY))
    tokens, (sim_a, sim_b), _ = compare_files(a, b)
    pair = next(m for m in result.pairs if {m.a.key, m.b.key} == {"submission_105",
                                                                  "submission_201"})
    ours = pair.similarity_a if pair.a.key == "submission_105" else pair.similarity_b
    assert ours == pytest.approx(sim_a)
    assert callable(compare_docs)


def test_cli(report, tmp_path):
    _, _, base = report
    runner = CliRunner()
    ok = runner.invoke(similarity, ["backprop", str(base / "export"), "--out",
                                    str(tmp_path / "o"), "--quiet", "--top", "2"])
    assert ok.exit_code == 0, ok.output
    assert "html:" in ok.output and (tmp_path / "o" / "pairs" / "0002.html").is_file()
    assert not (tmp_path / "o" / "pairs" / "0003.html").exists()

    missing = runner.invoke(similarity, ["backprop", str(tmp_path / "nope"), "--out",
                                         str(tmp_path / "o")])
    assert missing.exit_code == 2 and "does not exist" in missing.output

    bad_zip = tmp_path / "export.zip"
    bad_zip.write_bytes(b"PK\x05\x06" + b"\0" * 10)
    bad = runner.invoke(similarity, ["backprop", str(bad_zip), "--out", str(tmp_path / "o")])
    assert bad.exit_code == 1 and "Error:" in bad.output and "Traceback" not in bad.output

    not_zip = tmp_path / "export.txt"
    not_zip.write_text("hello")
    bad = runner.invoke(similarity, ["backprop", str(not_zip), "--out", str(tmp_path / "o")])
    assert bad.exit_code == 1 and "expected a Gradescope export zip" in bad.output

    empty = tmp_path / "empty"
    empty.mkdir()
    bad = runner.invoke(similarity, ["backprop", str(empty), "--out", str(tmp_path / "o")])
    assert bad.exit_code == 1 and "no submissions" in bad.output

    (empty / "submission_metadata.yml").write_text("{}\n")
    bad = runner.invoke(similarity, ["backprop", str(empty), "--out", str(tmp_path / "o")])
    assert bad.exit_code == 1 and "no submissions" in bad.output

    unknown = runner.invoke(similarity, ["nosuch", str(base / "export"), "--out",
                                         str(tmp_path / "o")])
    assert unknown.exit_code == 2 and "nosuch" in unknown.output

    blocked = tmp_path / "file"
    blocked.write_text("x")
    bad = runner.invoke(similarity, ["backprop", str(base / "export"), "--out",
                                     str(blocked / "sub"), "--quiet"])
    assert bad.exit_code == 1 and "Traceback" not in bad.output, bad.output


def test_notebook_uploads_are_compared_by_module_with_py_uploads(tmp_path):
    """A notebook upload's code cells are filed under the module whose names they define, so
    the same code handed in as a notebook and as .py files is found, file by file; the student
    notebook itself is skeleton (boilerplate)."""
    import json

    measuring = PATHS.load("measuring")
    corpus = PATHS.root / "tests" / "corpus" / "measuring" / "independent"
    impl = corpus / "manual-loops"
    src = tmp_path / "class"
    shutil.copytree(impl, src / "alice")
    shutil.copytree(corpus / "idiomatic-torch", src / "carol")
    cells = [{"cell_type": "markdown", "metadata": {}, "source": "# my notebook"}]
    for path in sorted(impl.glob("*.py")):  # one cell per module, as a student might paste
        cells.append({"cell_type": "code", "metadata": {}, "execution_count": None,
                      "outputs": [], "source": path.read_text()})
    (src / "bob").mkdir()
    (src / "bob" / "hw.ipynb").write_text(json.dumps(
        {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    (src / "dave").mkdir()
    shutil.copyfile(PATHS.handout("measuring") / "measuring.ipynb", src / "dave" / "m.ipynb")
    result = similarity_report(measuring, src, tmp_path / "out", workers=1)
    subs = {s.key: s for s in result.submissions}
    assert not any(s.skipped for s in subs.values()), [s.skipped for s in subs.values()]
    pair = next(m for m in result.pairs if {m.a.key, m.b.key} == {"alice", "bob"})
    assert pair.similarity_a > 0.9 and pair.similarity_b > 0.9
    assert {f.file for f in pair.files} >= {"data.py", "baseline.py", "bias_variance.py"}
    assert subs["dave"].tokens < 0.05 * subs["bob"].tokens  # stubs: the skeleton's text
    assert all("dave" not in (m.a.key, m.b.key) for m in result.pairs)
