"""nbgrader's Execute preprocessor with a budget of output bytes per cell (autograde only).

nbgrader's ``LimitOutput`` counts lines, after the whole notebook has run: a learner who printed
300 MiB in a few lines took feedback generation to 2.2 GB of memory. Here each output is weighed as
it arrives. Past ``max_bytes`` in a cell, printed text and displays are dropped and one line says
so. What scores a cell is never dropped: error outputs and results are kept (shortened if huge),
and a cell that wrote to stderr keeps one stderr line, since stderr in a test cell scores 0.
"""
import json

from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute
from traitlets import Integer

NOTE = "\n[output truncated by the grader: it keeps {cell} bytes of output per cell and {notebook} per notebook]\n"


def _size(output) -> int:
    """Everything the output carries (its metadata and an error's name too), as the notebook stores it."""
    return len(json.dumps(output, default=str))


class ExecuteWithOutputBudget(Execute):
    max_bytes = Integer(1_000_000, help="Output bytes kept per cell; the rest is dropped with a note.").tag(config=True)
    max_notebook_bytes = Integer(10_000_000, help="Output bytes kept per notebook (a learner may add cells).").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        self._used: dict[int, int] = {}
        self._total = 0
        self._noted: set[tuple[int, str]] = set()
        return super().preprocess(nb, resources, km)

    def _note(self) -> str:
        return NOTE.format(cell=self.max_bytes, notebook=self.max_notebook_bytes)

    def _update_display_id(self, display_id, msg):
        """A display updated in place (``update_display_data``) never passes through ``output``."""
        content = msg.get("content", {})
        if len(json.dumps([content.get("data"), content.get("metadata")], default=str)) > self.max_bytes:
            msg = {**msg, "content": {**msg["content"], "data": {"text/plain": self._note().strip()}, "metadata": {}}}
        super()._update_display_id(display_id, msg)

    def output(self, outs, msg, display_id, cell_index):
        out = super().output(outs, msg, display_id, cell_index)
        if out is None:
            return None
        size = _size(out)
        used = self._used.get(cell_index, 0)
        room = min(self.max_bytes - used, self.max_notebook_bytes - self._total)  # what is kept counts
        if size <= room:
            self._used[cell_index] = used + size
            self._total += size
            return out
        if outs and outs[-1] is out:
            outs.pop()
        room = max(room, 0)
        self._used[cell_index] = used + room
        self._total += room
        if out.output_type == "error":  # it decides the score: keep it, shortened
            out.traceback = [line[:room or 2000] for line in out.traceback[-3:]]
            out.ename, out.evalue = out.ename[:200], out.evalue[:room or 2000]
            outs.append(out)
        elif out.output_type == "execute_result":  # scored from its text: keep it, shortened
            out.data = {"text/plain": str(out.data.get("text/plain", ""))[: room or 2000]}
            out.metadata = {}
            outs.append(out)
        else:
            name = out.get("name", "stdout") if out.output_type == "stream" else "stdout"
            if (cell_index, name) not in self._noted:
                self._noted.add((cell_index, name))
                text = (out.text[:room] if out.output_type == "stream" else "") + self._note()
                outs.append(new_output("stream", name=name, text=text))
        return None
