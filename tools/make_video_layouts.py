"""Writes Video-MME-layout test data (jobs/src/test/resources/video-layouts), as lmms-eval finds it
after downloading lmms-lab/Video-MME:

  Video-MME/videomme/test-00000-of-00001.parquet   text rows, written by HF `datasets`
  Video-MME/data/<videoID>.mp4 (.MP4, .mkv)         H.264 yuv420p videos, written by PyAV
  Video-MME-zipped/videomme/test-...parquet         the same rows
  Video-MME-zipped/videos_chunked_01.zip, _02.zip   the videos, still zipped (entries data/<id>.*)
  escaping.zip                                      a zip whose entry escapes its folder (refused)

Rows cover every duration, two domains and task types, the .MP4/.mkv fallbacks, and bad inputs
(a missing video, a zero-length file, a truncated file, a file that is not a video). Each video
frame carries its index as block code (tools/make_video_fixtures.py).

Usage: python tools/make_video_layouts.py [--out jobs/src/test/resources/video-layouts]
"""

import argparse
import os
import shutil
import zipfile

import datasets

from make_video_fixtures import write

VIDEOS = {
    # videoID: (file name, frames, size)
    "vid_short1": ("vid_short1.mp4", 16, (64, 48)),
    "vid_medium": ("vid_medium.MP4", 24, (80, 48)),
    "vid_long": ("vid_long.mkv", 40, (64, 64)),
    "vid_short2": ("vid_short2.mp4", 12, (64, 48)),
    "vid_empty": ("vid_empty.mp4", 0, None),
    "vid_cut": ("vid_cut.mp4", 30, (64, 48)),
    "vid_text": ("vid_text.mp4", 0, None),
}

ROWS = [
    # question_id, videoID, duration, domain, sub_category, task_type, answer
    ("001-1", "vid_short1", "short", "Knowledge", "Humanity & History", "Object Recognition", "A"),
    ("001-2", "vid_short1", "short", "Knowledge", "Humanity & History", "Counting Problem", "C"),
    ("002-1", "vid_medium", "medium", "Sports Competition", "Football", "Action Reasoning", "B"),
    ("003-1", "vid_long", "long", "Knowledge", "Astronomy", "Temporal Perception", "D"),
    ("003-2", "vid_long", "long", "Knowledge", "Astronomy", "Object Recognition", "A"),
    ("004-1", "vid_short2", "short", "Sports Competition", "Basketball", "Counting Problem", "B"),
    ("005-1", "vid_missing", "medium", "Knowledge", "Geography", "Object Recognition", "C"),
    ("006-1", "vid_empty", "short", "Knowledge", "Geography", "Object Recognition", "A"),
    ("007-1", "vid_cut", "long", "Sports Competition", "Football", "Temporal Perception", "B"),
    ("008-1", "vid_text", "medium", "Knowledge", "Geography", "Action Reasoning", "D"),
]


def rows():
    out = {k: [] for k in ["video_id", "duration", "domain", "sub_category", "url", "videoID",
                           "question_id", "task_type", "question", "options", "answer"]}
    for n, (qid, vid, dur, dom, sub, task, ans) in enumerate(ROWS):
        out["video_id"].append(qid.split("-")[0])
        out["duration"].append(dur)
        out["domain"].append(dom)
        out["sub_category"].append(sub)
        out["url"].append("https://www.youtube.com/watch?v=" + vid)
        out["videoID"].append(vid)
        out["question_id"].append(qid)
        out["task_type"].append(task)
        out["question"].append(f"Question {n} about the video: what is shown?")
        out["options"].append([f"{l}. option {l.lower()} of {n}" for l in "ABCD"])
        out["answer"].append(ans)
    return out


def write_videos(data_dir, tmp):
    os.makedirs(data_dir, exist_ok=True)
    for vid, (name, frames, size) in VIDEOS.items():
        path = os.path.join(data_dir, name)
        if vid == "vid_empty":
            open(path, "wb").close()
        elif vid == "vid_text":
            with open(path, "w") as f:
                f.write("this is not a video\n" * 50)
        else:
            codec = "ffv1" if name.endswith(".mkv") else "libx264"
            opts = {"g": "8"} if codec == "ffv1" else {"g": "8", "bf": "2", "crf": "10"}
            write(path, codec, size[0], size[1], frames, options=opts)
            if vid == "vid_cut":
                with open(path, "rb") as f:
                    data = f.read()
                with open(path, "wb") as f:
                    f.write(data[: len(data) * 2 // 5])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="jobs/src/test/resources/video-layouts")
    args = ap.parse_args()
    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    ds = datasets.Dataset.from_dict(rows())
    for copy in ["Video-MME", "Video-MME-zipped"]:
        d = os.path.join(args.out, copy, "videomme")
        os.makedirs(d, exist_ok=True)
        ds.to_parquet(os.path.join(d, "test-00000-of-00001.parquet"))
    data = os.path.join(args.out, "Video-MME", "data")
    write_videos(data, args.out)
    names = sorted(os.listdir(data))
    for k, chunk in enumerate([names[: len(names) // 2], names[len(names) // 2:]]):
        z = os.path.join(args.out, "Video-MME-zipped", f"videos_chunked_{k + 1:02d}.zip")
        with zipfile.ZipFile(z, "w", compression=zipfile.ZIP_STORED) as f:
            f.writestr(zipfile.ZipInfo("data/"), "")
            for n in chunk:
                f.write(os.path.join(data, n), "data/" + n)
    with zipfile.ZipFile(os.path.join(args.out, "escaping.zip"), "w") as f:
        f.writestr("data/ok.mp4", b"x")
        f.writestr("../../evil.mp4", b"x")
    print("wrote", args.out, names)


if __name__ == "__main__":
    main()
