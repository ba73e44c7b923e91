"""Each chapter's experiments: train-and-measure functions, one file a chapter (layer 2).

They take numbers and seeds, call the concept modules (activations ... training, data, search)
and return arrays or histories; they never draw. A chapter notebook imports its file as
``experiment``::

    from course_lib.experiments import ch05_batch_normalization as experiment

Chapters without experiments of their own have no file here.
"""
