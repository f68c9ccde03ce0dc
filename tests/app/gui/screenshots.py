#!/usr/bin/env python3
"""What the app's views must show, checked on headless screenshots.

Each test below starts nnviz under xvfb-run at 1280x800 with the arguments it names. The app trains
as asked, takes a screenshot and writes a layout file beside it: where each view and plot was drawn,
and a few values it reports (the canvas's prediction, the step the weights shown are of, ...).
check_screenshot (check_screenshot.cpp) then holds the picture to the test's expectations: colours
counted inside a view's rectangle, the training curve across both plots, a region the same as or
clearly different from another test's screenshot, a reported value.

    screenshots.py --list                               the tests, one a line: NAME|AFTER|...
    screenshots.py --app A --check C --xvfb X --out DIR NAME   runs one; exit 0 when it holds

CTest registers one test a name (tests/app/gui/gui_tests.cmake), "gui: NAME", run after the tests
it names in AFTER.
"""
import argparse
import os
import subprocess
import sys

# Colours the views draw with, as a screenshot shows them (the checks allow a small tolerance).
RED = (204, 41, 36)            # the diverging colour map's negative end (weights, decision surface)
BLUE = (43, 89, 204)           # its positive end
WHITE = (255, 255, 255)        # ink on the drawing canvas and its 28x28 preview
MATCH_GREEN = (115, 217, 128)  # the step-through's "matches": the update written out equals the real one
CURVE_ORANGE = (250, 160, 60)  # the network's curve (the playground's fit, the smoothed loss)
RUN_BLUE = (120, 150, 255)     # a comparison's last run colour, drawn on top
PURPLE = (190, 140, 250)       # RMSProp's path on the landscape; a run colour of the comparisons
DIAGONAL_GREEN = (51, 212, 77) # the confusion matrix's diagonal, where the answers are right
NORM_GREEN = (120, 220, 110)   # layer statistics: the second dense layer's weight norm
DEAD_RED = (235, 90, 120)      # layer statistics: the dead-ReLU share, the gradient histogram
HIST_BLUE = (90, 200, 230)     # layer statistics: the histogram of values
GLOW = (255, 200, 60)          # the ring around a view or control a lesson's page points at
MET_GREEN = (115, 217, 128)    # a lesson's goal met
BADGE_GREEN = (40, 140, 70)    # a held-out drawing of yours read right after fine-tuning

HERE = os.path.dirname(os.path.abspath(__file__))
# The built-in lessons.
LESSONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "assets", "lessons")

TESTS = {}


def screenshot(name, *args, after=()):
    """Registers the function below as the test NAME: nnviz started with ARGS ("{shapes}" is an image
    folder of three classes of shapes, 60 images each; "{mydigits}" a data folder's parent holding a
    personal digit set of three drawings a digit, every third held out; "{folder_model}" a model
    nnviz-cli trained on the shapes; "{out}" is the
    folder the screenshots go to, "{here}" this file's), run after the CTest tests named in AFTER."""
    def register(fn):
        TESTS[name] = (args, tuple(after), fn)
        return fn
    return register


class Shot:
    """One screenshot and its layout file, and the checks a test asks of them."""

    def __init__(self, name, out):
        self.out = out
        self.png, self.layout = paths(name, out)
        self.checks = []

    def shows_curve(self):
        """The smoothed training curve runs across most of both plots."""
        self.checks.append("--expect-curve")

    def shows_no_curve(self):
        self.checks.append("--expect-no-curve")

    def has_colour(self, region, rgb, at_least):
        """At least AT_LEAST pixels near RGB inside the view or plot REGION."""
        self.checks += ["--expect-colour", region, *map(str, rgb), str(at_least)]

    def has_hues(self, region, at_least):
        """At least AT_LEAST pixels each of red, green and blue (the strongest channel by a clear
        margin) inside REGION: a picture in colour."""
        self.checks += ["--expect-hues", region, str(at_least)]

    def reports(self, key, value):
        """The app wrote KEY = VALUE into the layout file."""
        self.checks += ["--expect-key", key, str(value)]

    def differs_from(self, other, region):
        """REGION looks clearly different in the screenshot of the test OTHER."""
        self.checks += ["--differ", *paths(other, self.out), region]

    def same_as(self, other, region):
        """REGION has the same size and looks the same in the screenshot of the test OTHER."""
        self.checks += ["--same", *paths(other, self.out), region]


def paths(name, out):
    return os.path.join(out, name + ".png"), os.path.join(out, name + ".json")


# --- The tests --------------------------------------------------------------------------------

@screenshot("untrained", "--frames", "5")
def untrained(shot):
    """Before any training both plots are empty."""
    shot.shows_no_curve()


@screenshot("trained", "--frames", "10", "--train-steps", "3000")
def trained(shot):
    shot.shows_curve()


@screenshot("fashion", "--frames", "10", "--train-steps", "2000", "--dataset", "fashion", "--preset", "mlp256")
def fashion(shot):
    shot.shows_curve()


@screenshot("weights-start", "--frames", "5", "--open", "weights")
def weights_start(shot):
    """The first layer's weights as tiles in the diverging colours, both ends present."""
    shot.has_colour("weights", RED, at_least=200)
    shot.has_colour("weights", BLUE, at_least=200)


@screenshot("weights-trained", "--frames", "5", "--train-steps", "1500", "--open", "weights",
            after=["gui: weights-start"])
def weights_trained(shot):
    """The tiles change as the network learns."""
    shot.has_colour("weights", RED, at_least=200)
    shot.differs_from("weights-start", "weights")


@screenshot("timeline-weights", "--frames", "5", "--train-steps", "1500", "--open", "weights", "--scrub", "0",
            after=["gui: weights-start", "gui: weights-trained"])
def timeline_weights(shot):
    """The timeline scrubbed back to step 0 while the run is at step 1500: the tiles are exactly an
    untrained run's, and clearly not the trained ones."""
    shot.reports("weights_step", 0)
    shot.same_as("weights-start", "weights")
    shot.differs_from("weights-trained", "weights")


@screenshot("timeline-probe", "--frames", "5", "--train-steps", "1500", "--open", "activations", "--draw-demo",
            "--canvas-run", "--scrub", "0")
def timeline_probe(shot):
    """Scrubbed, the probe's pass (activations and probabilities) and the canvas reading with the
    run's weights are those of step 0 too."""
    shot.reports("probe_step", 0)
    shot.reports("canvas_step", 0)
    shot.reports("weights_step", 0)


@screenshot("stepthrough", "--frames", "5", "--train-steps", "200", "--open", "stepthrough", "--open", "activations",
            "--stage", "9")
def stepthrough(shot):
    """The step-through's last stage: the update of one weight, and the check that it matches."""
    shot.has_colour("stepthrough", MATCH_GREEN, at_least=150)


@screenshot("stepthrough-batchnorm", "--frames", "5", "--train-steps", "20", "--preset", "mlp-dropout-bn",
            "--open", "stepthrough", "--stage", "3")
def stepthrough_batchnorm(shot):
    """A batch-norm layer's forward stage: the batch's mean and variance, gamma and beta, and the
    first value worked through by hand from them, which must give what the layer wrote."""
    shot.reports("batchnorm_worked", "matches")


@screenshot("stepthrough-batchnorm-conv", "--frames", "5", "--train-steps", "20", "--preset", "cnn-simple",
            "--open", "stepthrough", "--stage", "3")
def stepthrough_batchnorm_conv(shot):
    shot.reports("batchnorm_worked", "matches")


@screenshot("canvas", "--frames", "5", "--train-steps", "3000", "--draw-demo")
def canvas(shot):
    """A scripted drawing of a 3: white ink on the canvas and in the 28x28 preview, and the bundled
    model (assets/README.md) reads it as a 3."""
    shot.has_colour("canvas", WHITE, at_least=2000)
    shot.has_colour("preview", WHITE, at_least=40)
    shot.reports("canvas_prediction", 3)


@screenshot("compare", "--frames", "5", "--train-steps", "400", "--compare", "optimizers")
def compare(shot):
    """The optimizer race: seven runs, their curves overlaid in the run colours, and the first
    layer's weights of every run as overlaid histograms."""
    shot.has_colour("compare_loss", RUN_BLUE, at_least=150)
    shot.has_colour("compare_hist", RUN_BLUE, at_least=60)


@screenshot("compare-save", "--frames", "3", "--train-steps", "300", "--compare", "learning-rates",
            "--save-comparison", "--data-home", "{out}")
def compare_save(shot):
    shot.has_colour("compare_loss", PURPLE, at_least=150)


@screenshot("compare-open", "--frames", "3", "--open-comparison", "--data-home", "{out}",
            after=["gui: compare-save"])
def compare_open(shot):
    """A saved comparison reopens with its curves in the run colours."""
    shot.has_colour("compare_loss", PURPLE, at_least=150)


@screenshot("save-run", "--frames", "5", "--train-steps", "2000", "--save-run", "{out}/saved.run.safetensors")
def save_run(shot):
    shot.shows_curve()


@screenshot("reopen-run", "--frames", "5", "--load", "{out}/saved.run.safetensors", after=["gui: save-run"])
def reopen_run(shot):
    """A saved run reopened in a new process: its curves come back without any training."""
    shot.shows_curve()


@screenshot("reopen-last-session", "--frames", "5", "--load", "{out}/session/nnviz/last-session.run.safetensors",
            after=["gui: close mid-epoch, clean exit"])
def reopen_last_session(shot):
    """The training a closed window kept is reopened with its curves."""
    shot.shows_curve()


@screenshot("analysis", "--frames", "5", "--train-steps", "2000", "--open", "analysis")
def analysis(shot):
    """The confusion matrix of the current weights: a bright diagonal, every count drawn."""
    shot.has_colour("confusion", DIAGONAL_GREEN, at_least=200)
    shot.reports("confusion_dropped", 0)


# The representation view's first four class colours as drawn: 0xD0 of the colour over the map's
# background (18, 18, 22).
CLASS_POINTS = [(69, 126, 192), (211, 126, 45), (69, 166, 69), (195, 60, 61)]


@screenshot("representation", "--frames", "5", "--train-steps", "3000", "--open", "representation")
def representation(shot):
    """mlp100's hidden layer by t-SNE after 3000 mini-batches: points of every class drawn."""
    for rgb in CLASS_POINTS:
        shot.has_colour("representation", rgb, at_least=300)


@screenshot("representation-cnn8", "--preset", "cnn8", "--frames", "5", "--train-steps", "600",
            "--open", "representation")
def representation_cnn8(shot):
    """cnn8's last hidden layer (ReLU after dense 100) by t-SNE after 600 mini-batches."""
    for rgb in CLASS_POINTS:
        shot.has_colour("representation", rgb, at_least=300)


@screenshot("representation-playground", "--frames", "5", "--open", "representation-playground")
def representation_playground(shot):
    """The 2-D playground's spiral through its last hidden layer: the board's grid bent by it and
    the points of both classes on it."""
    shot.has_colour("representation", (225, 70, 60), at_least=150)
    shot.has_colour("representation", (70, 120, 235), at_least=150)


@screenshot("loss-landscape", "--frames", "5", "--train-steps", "2000", "--open", "losslandscape")
def loss_landscape(shot):
    """The loss along the line from the first snapshot to now, on training and validation images:
    both curves drawn."""
    shot.has_colour("losslandscape", (250, 160, 60), at_least=150)
    shot.has_colour("losslandscape", (120, 220, 110), at_least=150)


# The network graph's links at full strength: blue for a positive weight, orange for a negative one.
LINK_BLUE, LINK_ORANGE = (80, 150, 245), (245, 150, 60)


@screenshot("graph", "--frames", "5", "--train-steps", "300", "--open", "graph")
def graph(shot):
    """mlp100's graph: the image, 16 of the hidden units as their weight tiles, the ten outputs;
    each unit's six strongest links in both colours."""
    shot.reports("graph_columns", 3)
    shot.reports("graph_nodes", 1 + 16 + 10)
    shot.reports("graph_links", 16 * 1 + 10 * 6)
    shot.has_colour("graph", LINK_BLUE, at_least=150)
    shot.has_colour("graph", LINK_ORANGE, at_least=150)


@screenshot("graph-cnn8", "--preset", "cnn8", "--frames", "5", "--train-steps", "200", "--open", "graph")
def graph_cnn8(shot):
    """cnn8's graph: the image, the eight filters' maps on it, 16 of the dense units, the outputs;
    a link into a filter is its kernel, one into a dense unit its weights over a filter's map."""
    shot.reports("graph_columns", 4)
    shot.reports("graph_nodes", 1 + 8 + 16 + 10)
    shot.reports("graph_links", 8 * 1 + 16 * 6 + 10 * 6)
    shot.has_colour("graph", LINK_BLUE, at_least=150)
    shot.has_colour("graph", LINK_ORANGE, at_least=150)


@screenshot("graph-playground", "--frames", "5", "--open", "graph-playground")
def graph_playground(shot):
    """The 2-D playground's spiral network as TensorFlow Playground draws it: the inputs and every
    unit as its output over the plane."""
    shot.reports("graph_columns", 4)
    shot.reports("graph_nodes", 2 + 16 + 16 + 2)
    shot.has_colour("graph", LINK_BLUE, at_least=100)
    shot.has_colour("graph", LINK_ORANGE, at_least=100)


@screenshot("folder-colour", "--preset", "cnn8", "--folder", "{shapes}", "--colour", "--image-size", "16",
            "--frames", "5", "--open", "analysis", "--open", "activations")
def folder_colour(shot):
    """An image folder of red, green and blue shapes in colour, before any training: the analysis
    shows the network's (many) mistakes as colour tiles of the pictures."""
    for rgb in ((230, 60, 50), (60, 200, 80), (70, 110, 240)):
        shot.has_colour("analysis_gallery", rgb, at_least=20)


@screenshot("my-digits", "--preset", "mlp100", "--open", "my-digits", "--draw-demo", "--train-steps", "1500",
            "--frames", "5", "--data-home", "{mydigits}")
def my_digits(shot):
    """Your handwriting: thirty drawings in one hand (ten held out, framed in cyan) under the canvas,
    fine-tuned on after 1500 mini-batches of training; the figures before and after, and each
    held-out drawing's answer after it as a green (right) or red (wrong) badge."""
    shot.reports("mydigits_drawings", 30)
    shot.reports("mydigits_held_out", 10)
    shot.reports("mydigits_trained_on", 20)
    shot.reports("mydigits_steps", 300)
    shot.has_colour("mydigits", HIST_BLUE, at_least=200)   # the held-out drawings' frames
    shot.has_colour("mydigits", BADGE_GREEN, at_least=30)  # read right after the fine-tuning


@screenshot("weights-colour", "--preset", "cnn8", "--folder", "{shapes}", "--colour", "--image-size", "16",
            "--train-steps", "100", "--frames", "5", "--open", "weights")
def weights_colour(shot):
    """cnn8's first convolution on colour pictures: its eight 5x5 filters as tiles in colour (each
    weight's red, green and blue), not three grey planes each."""
    shot.reports("weights_colour_tiles", 8)
    shot.has_hues("weights", at_least=100)


@screenshot("stepthrough-colour", "--preset", "cnn8", "--folder", "{shapes}", "--colour", "--image-size", "16",
            "--train-steps", "20", "--frames", "5", "--open", "stepthrough")
def stepthrough_colour(shot):
    """The step-through on colour pictures: the sample and the whole mini-batch under it in colour
    (red, green and blue shapes), not as grey planes."""
    shot.has_hues("stepthrough", at_least=30)


@screenshot("folder-model", "--load", "{folder_model}", "--frames", "5", "--open", "analysis")
def folder_model(shot):
    """A model nnviz-cli trained on the folder of shapes, opened while MNIST is loaded: the app
    reads the folder the file names (its three classes, at the size its network takes) and opens the
    model on it, instead of refusing it."""
    shot.reports("dataset", "folder")
    shot.reports("data_classes", 3)
    shot.reports("data_input", "1x28x28")


@screenshot("graph-colour", "--preset", "mlp30", "--folder", "{shapes}", "--colour", "--image-size", "16",
            "--train-steps", "200", "--frames", "5", "--open", "graph")
def graph_colour(shot):
    """The network graph on colour pictures: the input's three nodes are its red, green and blue
    planes in their colours, the first layer's units their weights on all three as colour tiles."""
    shot.has_hues("graph", at_least=100)


@screenshot("analysis-zoomed", "--frames", "5", "--train-steps", "2000", "--open", "analysis", "--zoom", "1.5")
def analysis_zoomed(shot):
    """Zoomed, every count of the matrix still fits (the diagonal's are about a thousand)."""
    shot.has_colour("confusion", DIAGONAL_GREEN, at_least=200)
    shot.reports("confusion_dropped", 0)


@screenshot("playground-1d", "--frames", "5", "--open", "playground")
def playground_1d(shot):
    """sin(x) + x fitted: the network's curve in orange over the target."""
    shot.has_colour("playground", CURVE_ORANGE, at_least=300)


@screenshot("playground-2d", "--frames", "5", "--open", "playground2d")
def playground_2d(shot):
    """The spiral's decision surface with both classes' colours."""
    shot.has_colour("playground", RED, at_least=2000)
    shot.has_colour("playground", BLUE, at_least=2000)


@screenshot("landscape", "--frames", "5", "--open", "landscape")
def landscape(shot):
    """The optimizers on Rosenbrock's valley: RMSProp's path in a colour the contours never take."""
    shot.has_colour("landscape", PURPLE, at_least=150)


@screenshot("lesson-list", "--frames", "3", "--open", "lesson")
def lesson_list(shot):
    """The lesson panel lists the built-in lessons: no lesson under way, nothing met, no glow."""
    shot.reports("lesson", "(missing)")
    shot.reports("lessons_listed", len([f for f in os.listdir(LESSONS) if f.endswith(".nnviz-lesson.json")]))


@screenshot("lesson-learning-rate", "--frames", "5", "--lesson", "learning-rate", "--train-steps", "300")
def lesson_learning_rate(shot):
    """The first lesson under way: its network and its 10,000 images in place, its first page
    pointing at Play and the curves (both ringed), and no goal met at lr = 0.001."""
    shot.reports("lesson", "learning-rate")
    shot.reports("lesson_goals_met", 0)
    shot.reports("sections_shown", "controls,views,training")  # the lesson hides the data, the setup, files
    shot.has_colour("sidebar", GLOW, at_least=80)
    shot.shows_curve()


@screenshot("lesson-fixed", "--frames", "5", "{here}/lessons/fixed-settings.nnviz-lesson.json")
def lesson_fixed(shot):
    """A lesson file named on the command line (nnviz FILE) opens as a lesson and applies what it
    hides and fixes: the dataset and the weights view out of sight, the optimizer settings shown
    but fixed, the curves view without a close button, the other views as its start opened them,
    tiled in the order it lists them (stats first, on the left)."""
    shot.reports("lesson", "fixed-settings")
    shot.reports("sections_shown", "controls,views,network,training")
    shot.reports("sections_locked", "training")
    shot.reports("views_drawn", "stats,curves,lesson")
    shot.reports("views_fixed", "curves")


@screenshot("lesson-picture", "--frames", "5", "--lesson", "vanishing-gradients")
def lesson_picture(shot):
    """A page with a picture: the lesson on vanishing gradients shows the sigmoid and its slope
    (assets/lesson-sigmoid-slope.png) under its text; the sigmoid's orange curve is in sight
    where the picture was drawn (its lower part may need the panel scrolled)."""
    shot.reports("lesson", "vanishing-gradients")
    shot.has_colour("lesson_picture", CURVE_ORANGE, at_least=250)


@screenshot("lesson-editor", "--frames", "5", "--lesson", "learning-rate", "--edit-lesson")
def lesson_editor(shot):
    """The lesson editor on a copy of the first lesson: its pages and goals in the fields, and the
    draft read back as a lesson without a problem (the check's green line)."""
    shot.reports("lesson_editor_problem", "none")
    shot.has_colour("lesson_editor", MET_GREEN, at_least=150)


@screenshot("lesson-controls", "--frames", "3", "--preset", "mlp256")
def lesson_controls(shot):
    """Every control a lesson's page may point at (core/lessons/lesson.cpp, AppLessonNames) is
    marked where the sidebar draws it, so that a page pointing at it rings it. mlp256 trains with
    momentum, so its momentum slider shows; controls scrolled out of sight are marked too."""
    shot.reports("lesson_controls_unmarked", "")


@screenshot("lesson-one-neuron", "--frames", "5", "--lesson", "one-neuron")
def lesson_one_neuron(shot):
    """A playground lesson: the 2-D problem set up as the lesson says, trained 3000 steps, its
    accuracy goal met (green) and its question still open."""
    shot.reports("lesson", "one-neuron")
    shot.reports("lesson_goals_met", 1)
    shot.has_colour("lesson_panel", MET_GREEN, at_least=40)


@screenshot("layer-editor", "--frames", "3", "--preset", "cnn8-16")
def layer_editor(shot):
    """The layer editor's parameter count for the deepest conv preset: conv 8*25+8,
    conv 16*8*25+16, dense 1600*100+100, dense 100*10+10."""
    shot.reports("setup_params", 8 * 25 + 8 + 16 * 8 * 25 + 16 + 1600 * 100 + 100 + 100 * 10 + 10)


@screenshot("layer-stats", "--frames", "5", "--train-steps", "600", "--preset", "mlp256", "--open", "stats")
def layer_stats(shot):
    """Layer statistics of mlp256 (ReLU) after 600 steps: the weight norms of the second and third
    dense layers as lines (more pixels than their legend swatches), the first ReLU layer's dead
    share, and the first layer's histograms of values and of gradients."""
    shot.has_colour("stats_norms", NORM_GREEN, at_least=180)
    shot.has_colour("stats_norms", PURPLE, at_least=180)
    shot.has_colour("stats_dead", DEAD_RED, at_least=250)
    shot.has_colour("stats_histograms", HIST_BLUE, at_least=1500)
    shot.has_colour("stats_histograms", DEAD_RED, at_least=300)


@screenshot("classroom", "--frames", "3", "--classroom")
def classroom(shot):
    """Classroom mode: the sidebar keeps the controls and the views; data, network and training go."""
    shot.reports("sections_shown", "controls,views")


@screenshot("not-classroom", "--frames", "3")
def not_classroom(shot):
    shot.reports("sections_shown", "controls,views,data,network,training")


@screenshot("zoom", "--frames", "3", "--zoom", "1.5")
def zoom(shot):
    """The interface zoomed for a projector: fonts rebuilt at 1.5 x 15 px."""
    shot.reports("font_size", 22.5)


# --- Running them -----------------------------------------------------------------------------

def run(name, app, check, xvfb, out, shapes="", my_digits="", folder_model=""):
    args, _, fn = TESTS[name]
    shot = Shot(name, out)
    fn(shot)
    for f in (shot.png, shot.layout):
        if os.path.exists(f):
            os.remove(f)
    cmd = [xvfb, "-a", "-s", "-screen 0 1280x800x24", app, "--screenshot", shot.png, "--layout", shot.layout,
           "--size", "1280x800"] + [a.format(out=out, here=HERE, shapes=shapes, mydigits=my_digits, folder_model=folder_model) for a in args]
    print("run:", " ".join(cmd), flush=True)
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=280)
    print(f"nnviz exit: {r.returncode}\n{r.stdout}", flush=True)
    if r.returncode != 0:
        print("FAIL: nnviz failed")
        return 1
    r = subprocess.run([check, shot.png, shot.layout] + shot.checks, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=120)
    print(r.stdout, flush=True)
    if r.returncode != 0:
        print("FAIL: the screenshot check failed")
        return 1
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--list", action="store_true")
    p.add_argument("--app")
    p.add_argument("--check")
    p.add_argument("--xvfb", default="xvfb-run")
    p.add_argument("--out")
    p.add_argument("--shapes", default="", help="an image folder of shapes (tests/support/make_shapes)")
    p.add_argument("--my-digits", default="", help="a data folder's parent with a personal digit set (make_my_digits)")
    p.add_argument("--folder-model", default="", help="a model trained on the shapes with nnviz-cli train --folder")
    p.add_argument("name", nargs="?")
    a = p.parse_args()
    if a.list:
        for name, (_, after, _) in TESTS.items():
            print("|".join((name,) + after))
        return 0
    if not (a.app and a.check and a.out and a.name in TESTS):
        p.error("give --app, --check, --out and one of: " + ", ".join(TESTS))
    os.makedirs(a.out, exist_ok=True)
    return run(a.name, a.app, a.check, a.xvfb, a.out, a.shapes, a.my_digits, a.folder_model)


if __name__ == "__main__":
    sys.exit(main())
