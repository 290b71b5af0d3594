"""The course material: landscapes, datasets, the update-rule interface (``optim``), the course's
reference rules and the bridge to TensorFlow/Keras. Imports nothing else of the course but
``optcourse.constants``."""
