"""Writes Video-MME-layout test data (jobs/src/test/resources/video-layouts), as lmms-eval finds it
after downloading lmms-lab/Video-MME:

  Video-MME/videomme/test-00000-of-00001.parquet   text rows, written by HF `datasets`
  Video-MME/data/<videoID>.mp4 (.MP4, .mkv)         H.264 yuv420p videos, written by PyAV
  Video-MME-zipped/videomme/test-...parquet         the same rows
  Video-MME-zipped/videos_chunked_01.zip, _02.zip   the videos, still zipped (entries data/<id>.*)
  escaping.zip                                      a zip whose entry escapes its folder (refused)
  Video-MME/subtitle/<videoID>.srt, Video-MME-zipped/subtitle.zip   subtitles (two videos)
  MVBench/json/<subtask>.json                       MVBench's question files (3 subtasks)
  MVBench/video/<subtask folder>/<video>            mp4s, and frame folders (episodic_reasoning)

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


SRT = {
    # videoID: [(start, end, text)] -- the real files' font markup; one block without it
    "vid_short1": [("00:00:00,000", "00:00:00,200", "Welcome to the show."),
                   ("00:00:00,200", "00:00:00,400", None),
                   ("00:00:00,400", "00:00:00,640", "Here is the second line.")],
    "vid_long": [("00:00:00,000", "00:00:00,500", "Stars form in clouds."),
                 ("00:00:01,000", "00:00:01,600", "The end.")],
}


def write_subtitles(d):
    os.makedirs(d, exist_ok=True)
    for vid, blocks in SRT.items():
        out = []
        for n, (a, b, text) in enumerate(blocks):
            body = f'<font color="white" size=".72c">{text}</font>' if text else "[music]"
            out.append(f"{n + 1}\n{a} --> {b}\n{body}\n")
        with open(os.path.join(d, vid + ".srt"), "w", encoding="utf-8") as f:
            f.write("\n".join(out))


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


MVBENCH = {
    # subtask: [(video, candidates, answer index or None when the answer is no candidate)]
    "action_count": [("video_0001.mp4", ["2", "3", "4"], 1), ("video_0002.mp4", ["1", "5"], 0)],
    "object_existence": [("video_10000.mp4", ["yes", "no"], 1),
                         ("video_10001.mp4", ["0", "1", "2"], 2),
                         ("video_missing.mp4", ["yes", "no"], 0)],
    "episodic_reasoning": [("s01e01_seg01_clip_00", ["He laughs.", "He leaves.", "He sits.",
                                                     "He sings.", "He cries."], 3),
                           ("s01e01_seg01_clip_01", ["a", "b"], None)],
}
FOLDERS = {"action_count": "perception/videos", "object_existence": "clevrer/video_validation",
           "episodic_reasoning": "tvqa/video_fps3_hq_segment"}


def write_mvbench(root):
    import json
    from PIL import Image
    from make_video_fixtures import content
    os.makedirs(os.path.join(root, "json"), exist_ok=True)
    for sub, items in MVBENCH.items():
        questions = []
        for n, (video, cands, ans) in enumerate(items):
            folder = os.path.join(root, "video", FOLDERS[sub])
            os.makedirs(folder, exist_ok=True)
            if video.endswith(".mp4") and "missing" not in video:
                write(os.path.join(folder, video), "libx264", 64, 48, 10 + 4 * n,
                      options={"g": "6", "crf": "10"})
            elif not video.endswith(".mp4"):
                frames = os.path.join(folder, video)
                os.makedirs(frames, exist_ok=True)
                for i in range(9):
                    Image.fromarray(content(i, 64, 48, 9)).save(
                        os.path.join(frames, f"{i + 1:05d}.jpg"), quality=95)
            questions.append({"video": video, "question": f"What happens in clip {n} of {sub}?",
                              "candidates": cands,
                              "answer": cands[ans] if ans is not None else "none of these",
                              "accurate_start": 0.0})
        with open(os.path.join(root, "json", sub + ".json"), "w") as f:
            json.dump(questions, f, indent=1)


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
    write_subtitles(os.path.join(args.out, "Video-MME", "subtitle"))
    sub = os.path.join(args.out, "Video-MME", "subtitle")
    with zipfile.ZipFile(os.path.join(args.out, "Video-MME-zipped", "subtitle.zip"), "w") as f:
        for n in sorted(os.listdir(sub)):
            f.write(os.path.join(sub, n), "subtitle/" + n)
    with zipfile.ZipFile(os.path.join(args.out, "escaping.zip"), "w") as f:
        f.writestr("data/ok.mp4", b"x")
        f.writestr("../../evil.mp4", b"x")
    write_mvbench(os.path.join(args.out, "MVBench"))
    print("wrote", args.out, names)


if __name__ == "__main__":
    main()
