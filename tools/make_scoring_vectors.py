#!/usr/bin/env python3
"""Computes every expected output of spec/scoring-vectors.json with lmms-eval's OWN scoring functions.

    python tools/make_scoring_vectors.py --lmms-eval /path/to/lmms-eval-checkout \
        --out core/src/test/resources/spec/scoring-vectors.json

Nothing of lmms-eval is copied here: its files are loaded by path from the checkout given on the command line
(importlib.util.spec_from_file_location), each under its real dotted name, so their own relative imports resolve to
the other loaded files. Heavy or irrelevant imports (loguru, datasets, cv2, pandas, requests, sacrebleu, the metric
registry, the submission-file helper) are replaced by inert stubs; any other import fails loudly. NumPy (GQA's
exact_match) and PyYAML (read by videomme/utils.py at import) are used when installed; without them a minimal stand-in
is used and _provenance says so.

Inputs: every group and case of --inputs (default: the project's scoring-vectors.json) keeps its inputs; its outputs
are recomputed. The groups gqa, vizwiz_vqa and videomme take their inputs from NEW_CASES below (plus any extra cases
already in --inputs). Outputs that changed against --inputs are listed on stderr.

What "lmms-eval's scoring" means for a response (lmms_eval/evaluator.py, lmms_eval/__main__.py defaults): the
evaluator first removes reasoning blocks with api/reasoning.py strip_reasoning_tags (default tags from __main__.py
--reasoning_tags; the function also strips whitespace), then calls the task's process_results. Groups that test a
task's process_results (vqa_accuracy, scienceqa_img, pope, gqa, vizwiz_vqa, videomme) go through that step; groups
that test one helper (evalai_normalize, extract_mcq_answer, mmbench_can_infer, mme_parse) call the helper directly.
"""
import argparse
import ast
import copy
import importlib.util
import json
import math
import os
import platform
import re
import subprocess
import sys
import types

GENERATOR = "tools/make_scoring_vectors.py"
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_INPUTS = os.path.join(HERE, "..", "core", "src", "test", "resources", "spec", "scoring-vectors.json")

# ----------------------------------------------------------------------------------------------------------------
# Inputs of the new groups. Outputs are never written here: they come from lmms-eval.
# ----------------------------------------------------------------------------------------------------------------
_VW_MIX = ["unanswerable", "unanswerable", "unanswerable", "dog", "dog", "a dog", "Dog.", "puppy", "unsuitable", "dog"]
NEW_CASES = {
    # GQA: response + ground-truth answer (GQA answers are short lowercase words/phrases).
    "gqa": [
        {"in": "yes", "answer": "yes"},
        {"in": "yes", "answer": " yes"},  # the answer is not stripped
        {"in": "Yes", "answer": "yes"},
        {"in": "Yes.", "answer": "yes"},
        {"in": "  no \n", "answer": "no"},
        {"in": "Yes, it is.", "answer": "yes"},
        {"in": "The man", "answer": "man"},
        {"in": "a dog", "answer": "dog"},
        {"in": "two", "answer": "2"},
        {"in": "2", "answer": "2"},
        {"in": "t-shirt", "answer": "t-shirt"},
        {"in": "T-Shirt", "answer": "t-shirt"},
        {"in": "t shirt", "answer": "t-shirt"},
        {"in": "tshirt", "answer": "t-shirt"},
        {"in": "dog's", "answer": "dogs"},
        {"in": "Left!", "answer": "left"},
        {"in": "black and white", "answer": "black and white"},
        {"in": "black & white", "answer": "black and white"},
        {"in": "(A)", "answer": "a"},
        {"in": "", "answer": "no"},
        {"in": "unanswerable", "answer": "table"},
        {"in": "The object on the left side of the table is a small wooden chair", "answer": "chair"},
        {"in": "Café", "answer": "café"},
        {"in": "ÉCOLE", "answer": "école"},
        {"in": "no\tno", "answer": "no no"},
        {"in": "3.5", "answer": "35"},
        {"in": "dog’s", "answer": "dogs"},
    ],
    # VizWiz-VQA: same fields as vqa_accuracy (pred, answers -> acc).
    "vizwiz_vqa": [
        {"pred": "Unanswerable", "answers": ["unanswerable"] * 10},
        {"pred": "unanswerable.", "answers": _VW_MIX},
        {"pred": "Dog", "answers": _VW_MIX},
        {"pred": "The dog.", "answers": _VW_MIX},
        {"pred": "puppy", "answers": _VW_MIX},
        {"pred": "unsuitable image", "answers": _VW_MIX},
        {"pred": "", "answers": _VW_MIX},
        {"pred": "two", "answers": ["2", "2", "two", "Two.", "2 ", "3", "three", "2", "unanswerable", "2"]},
        {"pred": "10", "answers": ["ten", "10", "Ten", "10.", "ten dollars", "$10", "10 dollars", "10", "unanswerable", "10"]},
        {"pred": "Coca-Cola", "answers": ["coca cola", "Coca-Cola", "coke", "coca-cola", "Coca Cola", "pepsi", "coca cola", "coke", "soda", "unanswerable"]},
        {"pred": "It is a can of soda on a wooden kitchen table next to the sink", "answers": ["soda", "can of soda", "soda can", "soda", "coke", "unanswerable", "soda", "can", "soda", "soda"]},
        {"pred": "I can't tell", "answers": ["unanswerable", "unanswerable", "unanswerable", "unanswerable", "unanswerable", "unanswerable", "unanswerable", "unanswerable", "unanswerable", "unanswerable"]},
        {"pred": "dog", "answers": ["dog", "dog", "cat", "dog", "dog"]},
        {"pred": "dog", "answers": []},
        {"pred": "", "answers": []},
    ],
    # Video-MME: response + ground-truth letter -> extracted letter and 0/1 score (options A-D).
    "videomme": [
        {"in": "A", "answer": "A"},
        {"in": "B.", "answer": "B"},
        {"in": "(C)", "answer": "C"},
        {"in": "The answer is (B).", "answer": "B"},
        {"in": "The best answer is: D", "answer": "D"},
        {"in": "C. The man is cooking.", "answer": "C"},
        {"in": "Option D", "answer": "D"},
        {"in": "Answer: B", "answer": "B"},
        {"in": "b", "answer": "B"},
        {"in": "the answer is c", "answer": "C"},
        {"in": "A man is walking his dog along the beach while the sun sets behind him", "answer": "A"},
        {"in": "the man is walking his dog along the beach while the sun sets behind him", "answer": "A"},
        {"in": "In the video, the woman picks up the red cup, so the correct answer is B.", "answer": "B"},
        {"in": "(A) is wrong and (C) is right", "answer": "C"},
        {"in": "I think A is plausible but D fits better", "answer": "D"},
        {"in": "\n\nB\n", "answer": "B"},
        {"in": "B) a red car", "answer": "B"},
        {"in": "D:", "answer": "D"},
        {"in": "E", "answer": "A"},
        {"in": "None of the above", "answer": "C"},
        {"in": "Unanswerable", "answer": "D"},
        {"in": "", "answer": "A"},
        {"in": "Both A and B", "answer": "A"},
        {"in": "The best answer is C, because A and B are not shown.", "answer": "C"},
        {"in": "ABCD", "answer": "A"},
        {"in": "The answer is Dog.", "answer": "A"},
        {"in": "my answer is d", "answer": "D"},
    ],
}


# ----------------------------------------------------------------------------------------------------------------
# Loading lmms-eval's files by path
# ----------------------------------------------------------------------------------------------------------------
class _Logger:
    def __getattr__(self, name):
        return lambda *a, **k: None


def _stub(name, **attrs):
    mod = types.ModuleType(name)
    mod.__dict__.update(attrs)
    mod.__lmms_vectors_stub__ = True
    sys.modules[name] = mod
    return mod


def _package(name, path):
    """An empty package whose submodules are found only when loaded explicitly (no __path__ discovery)."""
    mod = types.ModuleType(name)
    mod.__path__ = []
    mod.__file__ = os.path.join(path, "__init__.py")
    sys.modules[name] = mod
    if "." in name:
        parent, child = name.rsplit(".", 1)
        setattr(sys.modules[parent], child, mod)
    return mod


def _load(root, dotted, relpath):
    path = os.path.join(root, relpath)
    spec = importlib.util.spec_from_file_location(dotted, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[dotted] = mod
    spec.loader.exec_module(mod)
    if "." in dotted:
        parent, child = dotted.rsplit(".", 1)
        if parent in sys.modules:
            setattr(sys.modules[parent], child, mod)
    return mod


def _unavailable(what):
    def fail(*a, **k):
        raise RuntimeError(f"{what} is stubbed out by {GENERATOR}; a scoring path reached it")

    return fail


class _MiniNumpy(types.ModuleType):
    """Stand-in for the handful of NumPy calls in lmms_eval/api/metrics.py exact_match_hf_evaluate, used only when
    NumPy is not installed: element-wise str.lower / str.translate / ==, mean of booleans. NumPy's unicode arrays
    drop trailing NULs, so does this."""

    class _Arr(list):
        def __eq__(self, other):
            return _MiniNumpy._Arr(a == b for a, b in zip(self, other))

        __hash__ = None

    def __init__(self):
        super().__init__("numpy")
        arr = _MiniNumpy._Arr
        self.asarray = self.array = lambda xs: arr(str(x).rstrip("\x00") for x in xs)
        self.mean = lambda xs: sum(1.0 if x else 0.0 for x in xs) / len(xs)
        self.char = types.SimpleNamespace(
            lower=lambda a: arr(s.lower() for s in a),
            translate=lambda a, table=None: arr(s.translate(table) for s in a),
        )
        self.__version__ = "mini-stand-in"


class _Anything(dict):
    def __missing__(self, key):
        return _Anything()


def _yaml_or_stub():
    try:
        import yaml  # noqa: F401

        return "PyYAML " + yaml.__version__
    except ImportError:
        _stub("yaml", safe_load=lambda text: _Anything())
        return "stub (PyYAML not installed; only videomme/utils.py's module-level cache_dir read uses it)"


def _numpy_or_stub():
    try:
        import numpy

        return "numpy " + numpy.__version__
    except ImportError:
        sys.modules["numpy"] = _MiniNumpy()
        return "mini stand-in (numpy not installed): element-wise str.lower/str.translate/==, mean"


def load_lmms_eval(root):
    sys.dont_write_bytecode = True  # leave the lmms-eval checkout as it was
    lm = os.path.join(root, "lmms_eval")
    if not os.path.isfile(os.path.join(lm, "tasks", "_task_utils", "vqa_eval_metric.py")):
        sys.exit(f"{root} does not look like an lmms-eval checkout (no lmms_eval/tasks/_task_utils/vqa_eval_metric.py)")
    env = {"numpy": _numpy_or_stub(), "yaml": _yaml_or_stub()}
    # Inert stubs for imports that play no part in scoring.
    _stub("loguru", logger=_Logger())
    _stub("datasets", Dataset=object, load_dataset=_unavailable("datasets.load_dataset"))
    _stub("cv2", VideoCapture=_unavailable("cv2.VideoCapture"))
    _stub("requests", post=_unavailable("requests.post"))
    _stub("pandas", isna=_unavailable("pandas.isna"), notna=_unavailable("pandas.notna"), DataFrame=_unavailable("pandas.DataFrame"))
    _stub("sacrebleu")
    _stub("tqdm", tqdm=lambda it, *a, **k: it)

    _package("lmms_eval", lm)
    _package("lmms_eval.api", os.path.join(lm, "api"))
    _package("lmms_eval.tasks", os.path.join(lm, "tasks"))
    _package("lmms_eval.tasks._task_utils", os.path.join(lm, "tasks", "_task_utils"))
    identity_decorator = lambda *a, **k: (lambda fn: fn)  # noqa: E731
    _stub("lmms_eval.api.registry", register_metric=identity_decorator, register_aggregation=identity_decorator)
    _stub("lmms_eval.tasks._task_utils.file_utils", generate_submission_file=_unavailable("generate_submission_file"))
    for task in ("textvqa", "vizwiz_vqa", "mme", "pope", "scienceqa", "mmbench", "videomme"):
        _package(f"lmms_eval.tasks.{task}", os.path.join(lm, "tasks", task))

    m = types.SimpleNamespace(env=env)
    m.reasoning = _load(root, "lmms_eval.api.reasoning", "lmms_eval/api/reasoning.py")
    m.metrics = _load(root, "lmms_eval.api.metrics", "lmms_eval/api/metrics.py")
    m.vqa_eval_metric = _load(root, "lmms_eval.tasks._task_utils.vqa_eval_metric", "lmms_eval/tasks/_task_utils/vqa_eval_metric.py")
    m.mcq_extract = _load(root, "lmms_eval.tasks._task_utils.mcq_extract", "lmms_eval/tasks/_task_utils/mcq_extract.py")
    m.textvqa = _load(root, "lmms_eval.tasks.textvqa.utils", "lmms_eval/tasks/textvqa/utils.py")
    m.vizwiz = _load(root, "lmms_eval.tasks.vizwiz_vqa.utils", "lmms_eval/tasks/vizwiz_vqa/utils.py")
    m.mme = _load(root, "lmms_eval.tasks.mme.utils", "lmms_eval/tasks/mme/utils.py")
    m.pope = _load(root, "lmms_eval.tasks.pope.utils", "lmms_eval/tasks/pope/utils.py")
    m.scienceqa = _load(root, "lmms_eval.tasks.scienceqa.utils", "lmms_eval/tasks/scienceqa/utils.py")
    m.mmbench = _load(root, "lmms_eval.tasks.mmbench.mmbench_evals", "lmms_eval/tasks/mmbench/mmbench_evals.py")
    m.videomme = _load(root, "lmms_eval.tasks.videomme.utils", "lmms_eval/tasks/videomme/utils.py")
    m.reasoning_tags = _default_reasoning_tags(os.path.join(lm, "__main__.py"), m.reasoning)
    m.gqa_metric_kwargs = _yaml_metric_kwargs(os.path.join(lm, "tasks", "gqa", "gqa.yaml"), "exact_match")
    return m


def _default_reasoning_tags(main_py, reasoning):
    """The default of lmms-eval's --reasoning_tags CLI option, read from __main__.py's argparse call."""
    tree = ast.parse(open(main_py, encoding="utf-8").read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "add_argument" and node.args:
            if isinstance(node.args[0], ast.Constant) and node.args[0].value == "--reasoning_tags":
                for kw in node.keywords:
                    if kw.arg == "default":
                        return reasoning.parse_reasoning_tags_config(cli_value=ast.literal_eval(kw.value), task_value=None)
    sys.exit(f"no --reasoning_tags default found in {main_py}")


def _yaml_metric_kwargs(yaml_path, metric):
    """kwargs that lmms_eval/api/task.py passes to a registered metric: the metric_list entry minus metric/aggregation/
    higher_is_better. Parsed by hand (flat scalar entries) so that PyYAML is not needed."""
    entries, cur, in_list = [], None, False
    for line in open(yaml_path, encoding="utf-8"):
        if re.match(r"^metric_list:\s*$", line):
            in_list = True
            continue
        if in_list and re.match(r"^\S", line):
            break
        if not in_list or not line.strip() or line.strip().startswith("#"):
            continue
        mm = re.match(r"^\s*(-\s+)?([A-Za-z_]+):\s*(.*?)\s*$", line)
        if mm:
            if mm.group(1):
                cur = {}
                entries.append(cur)
            val = mm.group(3)
            cur[mm.group(2)] = {"true": True, "false": False}.get(val.lower(), val)
    for e in entries:
        if e.get("metric") == metric:
            return {k: v for k, v in e.items() if k not in ("metric", "aggregation", "higher_is_better")}
    sys.exit(f"metric {metric} not in metric_list of {yaml_path}")


# ----------------------------------------------------------------------------------------------------------------
# Groups: input fields, output fields, how lmms-eval computes the outputs
# ----------------------------------------------------------------------------------------------------------------
class _RecordingChar:
    def __init__(self, char, log):
        self._char, self._log = char, log

    def __getattr__(self, name):
        fn = getattr(self._char, name)

        def rec(*a, **k):
            out = fn(*a, **k)
            self._log.append([str(x) for x in out])
            return out

        return rec


class _RecordingNumpy:
    """Wraps NumPy inside lmms_eval.api.metrics to read back the normalised strings exact_match compared."""

    def __init__(self, np, log):
        self._np, self.char = np, _RecordingChar(np.char, log)

    def __getattr__(self, name):
        return getattr(self._np, name)


def build_groups(m):
    tags = m.reasoning_tags
    evalai = m.vqa_eval_metric.EvalAIAnswerProcessor()

    def evaluator_sees(resp):
        # lmms_eval/evaluator.py: strip_reasoning_tags(raw_resp, reasoning_tags) before task.process_results
        return m.reasoning.strip_reasoning_tags(resp, tags) if tags is not None else resp

    def vqa(process_results):
        def run(c):
            doc = {"question_id": 0, "answers": list(c["answers"])}  # process_results normalises doc["answers"] in place
            # float(): lmms-eval returns int 1 when every min(1, matches/3) is the int 1; the value is the same
            return {"acc": float(process_results(doc, [evaluator_sees(c["pred"])])["exact_match"])}

        return run

    def sqa(c):
        doc = {"choices": ["cat", "dog", "cow"], "answer": c["answer_index"], "hint": "", "question": "q"}
        return {"score": m.scienceqa.sqa_process_results(doc, [evaluator_sees(c["in"])])["exact_match"]}

    def pope(c):
        doc = {"question_id": 0, "answer": c["gt"]}
        return {"score": m.pope.pope_process_results(doc, [evaluator_sees(c["in"])])["pope_accuracy"]["score"]}

    def gqa(c):
        # lmms_eval/api/task.py ConfigurableTask.process_results, generate_until branch without process_results:
        # result = [res.strip()], gold = doc_to_target(doc) = doc["answer"], metric exact_match with gqa.yaml kwargs.
        result = [evaluator_sees(c["in"]).strip()]
        log = []
        real_np = m.metrics.np
        m.metrics.np = _RecordingNumpy(real_np, log)
        try:
            score = m.metrics.exact_match_hf_evaluate(references=[c["answer"]], predictions=result, **m.gqa_metric_kwargs)["exact_match"]
        finally:
            m.metrics.np = real_np
        pred_norm, gold_norm = (log[-2][0], log[-1][0]) if log else (result[0], c["answer"])
        score = float(score)
        assert score == (1.0 if pred_norm == gold_norm else 0.0), (c, pred_norm, gold_norm, score)
        return {"pred": pred_norm, "score": score}

    def videomme(c):
        doc = {"question_id": "0", "duration": "short", "domain": "Knowledge", "sub_category": "Astronomy", "task_type": "Counting Problem", "videoID": "v", "answer": c["answer"]}
        r = m.videomme.videomme_process_results(doc, [evaluator_sees(c["in"])])["videomme_perception_score"]
        return {"out": r["pred_answer"], "score": r["score"]}

    mmb = m.mmbench.MMBench_Evaluator()
    return {
        "evalai_normalize": (["in"], lambda c: {"out": evalai(c["in"])}, ["lmms_eval/tasks/_task_utils/vqa_eval_metric.py:EvalAIAnswerProcessor.__call__"]),
        "vqa_accuracy": (["pred", "answers"], vqa(m.textvqa.textvqa_process_results), ["lmms_eval/tasks/textvqa/utils.py:textvqa_process_results (exact_match)"]),
        "extract_mcq_answer": (["in", "choices"], lambda c: {"out": m.mcq_extract.extract_mcq_answer(c["in"], list(c["choices"]))}, ["lmms_eval/tasks/_task_utils/mcq_extract.py:extract_mcq_answer"]),
        "mmbench_can_infer": (["in", "choices"], lambda c: {"out": mmb.can_infer(c["in"], dict(c["choices"]))}, ["lmms_eval/tasks/mmbench/mmbench_evals.py:MMBench_Evaluator.can_infer (can_infer_option, then can_infer_text)"]),
        "mme_parse": (["in"], lambda c: {"out": m.mme.parse_pred_ans(c["in"])}, ["lmms_eval/tasks/mme/utils.py:parse_pred_ans"]),
        "scienceqa_img": (["in", "answer_index"], sqa, ["lmms_eval/tasks/scienceqa/utils.py:sqa_process_results (exact_match), doc choices ['cat','dog','cow']"]),
        "pope": (["in", "gt"], pope, ["lmms_eval/tasks/pope/utils.py:pope_process_results (pope_accuracy.score)"]),
        "gqa": (["in", "answer"], gqa, ["lmms_eval/api/task.py:ConfigurableTask.process_results (generate_until: res.strip(), gold doc['answer'])", "lmms_eval/api/metrics.py:exact_match_hf_evaluate with lmms_eval/tasks/gqa/gqa.yaml metric_list kwargs " + json.dumps(m.gqa_metric_kwargs, sort_keys=True), "pred = the normalised prediction exact_match compared"]),
        "vizwiz_vqa": (["pred", "answers"], vqa(m.vizwiz.vizwiz_vqa_process_results), ["lmms_eval/tasks/vizwiz_vqa/utils.py:vizwiz_vqa_process_results (exact_match)"]),
        "videomme": (["in", "answer"], videomme, ["lmms_eval/tasks/videomme/utils.py:videomme_process_results (pred_answer, score)", "lmms_eval/tasks/videomme/utils.py:extract_characters_regex -> lmms_eval/tasks/_task_utils/mcq_extract.py:extract_mcq_answer(choices=['A','B','C','D'])"]),
    }


PIPELINE_GROUPS = {"vqa_accuracy", "scienceqa_img", "pope", "gqa", "vizwiz_vqa", "videomme"}


# ----------------------------------------------------------------------------------------------------------------
def _git(root, *args):
    """git output in the checkout, or None when root is not itself a git work tree (not one nested in another)."""
    try:
        run = lambda *a: subprocess.run(["git", "-C", root, *a], capture_output=True, text=True, check=True).stdout.strip()  # noqa: E731
        if os.path.realpath(run("rev-parse", "--show-toplevel")) != os.path.realpath(root):
            return None
        return run(*args)
    except (OSError, subprocess.CalledProcessError):
        return None


def _version(root):
    import tomllib

    with open(os.path.join(root, "pyproject.toml"), "rb") as f:
        return tomllib.load(f)["project"]["version"]


def _same(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=0, abs_tol=1e-9)
    return a == b


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lmms-eval", required=True, help="path of an lmms-eval checkout (the repository root)")
    ap.add_argument("--out", required=True, help="where to write the vectors JSON")
    ap.add_argument("--inputs", default=DEFAULT_INPUTS, help="existing vectors JSON whose inputs are kept (default: the project's)")
    ap.add_argument("--commit", help="lmms-eval commit, when the checkout is not a git work tree")
    args = ap.parse_args()

    root = os.path.abspath(args.lmms_eval)
    commit = args.commit or _git(root, "rev-parse", "HEAD")
    if not commit:
        sys.exit("cannot tell the lmms-eval commit: pass a git checkout or --commit")
    if args.commit and _git(root, "rev-parse", "HEAD") not in (None, args.commit):
        sys.exit(f"--commit {args.commit} differs from the checkout's HEAD")
    dirty = _git(root, "status", "--porcelain", "--untracked-files=no")

    m = load_lmms_eval(root)
    groups = build_groups(m)

    with open(args.inputs, encoding="utf-8") as f:
        existing = json.load(f)
    existing.pop("_provenance", None)

    out, changes, unknown = {}, [], []
    for name in list(existing) + [g for g in NEW_CASES if g not in existing]:
        if name not in groups:
            unknown.append(name)
            out[name] = existing[name]
            continue
        in_keys, compute, _ = groups[name]
        cases = [copy.deepcopy(c) for c in existing.get(name, [])]
        seen = [{k: c[k] for k in in_keys} for c in cases]
        for c in NEW_CASES.get(name, []):
            if {k: c[k] for k in in_keys} not in seen:
                cases.append(copy.deepcopy(c))
        group_out = []
        for i, case in enumerate(cases):
            result = compute(copy.deepcopy(case))
            for k, v in result.items():
                if k in case and not _same(case[k], v):
                    changes.append((name, i, {k2: case[k2] for k2 in in_keys}, k, case[k], v))
                case[k] = v
            group_out.append(case)
        out[name] = group_out

    provenance = {
        "lmms_eval_commit": commit,
        "lmms_eval_version": _version(root),
        "lmms_eval_describe": _git(root, "describe", "--tags", "--always"),
        "generator": GENERATOR,
        "python": platform.python_version(),
        "regenerate": "python tools/make_scoring_vectors.py --lmms-eval <lmms-eval checkout> --out core/src/test/resources/spec/scoring-vectors.json",
        "stand_ins": m.env,
        "response_pipeline": "groups " + ", ".join(sorted(PIPELINE_GROUPS)) + ": response -> lmms_eval/api/reasoning.py:strip_reasoning_tags(response, "
        + json.dumps(m.reasoning_tags) + ") (lmms_eval/evaluator.py, default of __main__.py --reasoning_tags; also strips whitespace) -> the task's process_results",
        "groups": {name: {"functions": groups[name][2], "regenerated": True} for name in out if name in groups},
    }
    provenance = {k: v for k, v in provenance.items() if v is not None}
    if dirty:
        provenance["lmms_eval_checkout_modified"] = dirty.splitlines()
    for name in unknown:
        provenance["groups"][name] = {"functions": [], "regenerated": False, "note": "no lmms-eval function mapped; cases copied unchanged"}

    os.makedirs(os.path.dirname(os.path.abspath(args.out)) or ".", exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(json.dumps({"_provenance": provenance, **out}, indent=1, ensure_ascii=False))

    print(f"wrote {args.out}: " + ", ".join(f"{k} {len(v)}" for k, v in out.items()), file=sys.stderr)
    print(f"{len(changes)} expected value(s) of {args.inputs} differ from lmms-eval {commit[:12]}:", file=sys.stderr)
    for name, i, inputs, key, old, new in changes:
        print(f"  {name}[{i}] {json.dumps(inputs, ensure_ascii=False)}: {key} {json.dumps(old, ensure_ascii=False)} -> {json.dumps(new, ensure_ascii=False)}", file=sys.stderr)


if __name__ == "__main__":
    main()
