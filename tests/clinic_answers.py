"""The causes of chapter 08's clinic cases: they live in the tests and the instructor notebook only,
never in course_lib (which stores hashes)."""

ANSWERS = {"A": "learning rate far too large", "B": "training set too small: overfitting",
           "C": "weights initialised too small (std 0.01) in a deep ReLU net",
           "D": "labels misaligned with the images", "E": "weight decay far too strong",
           "F": "learning rate far too small", "G": "vanishing gradients in a deep sigmoid net",
           "H": "batch norm evaluated in training mode on tiny batches",
           "I": "dying ReLU units after too large a step", "J": "inputs not scaled (0-255 pixels)"}
