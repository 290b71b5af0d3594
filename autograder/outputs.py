"""nbgrader's Execute preprocessor with a budget of output bytes per cell (autograde only).

nbgrader's ``LimitOutput`` counts lines, after the whole notebook has run: a learner who printed
300 MiB in a few lines took feedback generation to 2.2 GB of memory. Here each output is weighed as
it arrives. Past ``max_bytes`` in a cell, printed text and displays are dropped and one line says
so. What scores a cell is never dropped: error outputs and results are kept (shortened if huge),
and a cell that wrote to stderr keeps one stderr line, since stderr in a test cell scores 0.
"""
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute
from traitlets import Integer

NOTE = "\n[output truncated by the grader: more than {budget} bytes in this cell]\n"


def _size(output) -> int:
    if output.output_type == "stream":
        return len(output.text)
    if output.output_type == "error":
        return sum(map(len, output.traceback)) + len(output.evalue)
    return sum(len(value) if isinstance(value, str) else len(str(value)) for value in output.get("data", {}).values())


class ExecuteWithOutputBudget(Execute):
    max_bytes = Integer(1_000_000, help="Output bytes kept per cell; the rest is dropped with a note.").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        self._used: dict[int, int] = {}
        self._noted: set[tuple[int, str]] = set()
        return super().preprocess(nb, resources, km)

    def output(self, outs, msg, display_id, cell_index):
        out = super().output(outs, msg, display_id, cell_index)
        if out is None:
            return None
        size = _size(out)
        used = self._used.get(cell_index, 0)
        self._used[cell_index] = used + size
        if used + size <= self.max_bytes:
            return out
        if outs and outs[-1] is out:
            outs.pop()
        room = max(self.max_bytes - used, 0)
        if out.output_type == "error":  # it decides the score: keep it, shortened
            out.traceback = [line[:room or 2000] for line in out.traceback[-3:]]
            outs.append(out)
        elif out.output_type == "execute_result":  # scored from its text: keep it, shortened
            out.data = {"text/plain": str(out.data.get("text/plain", ""))[: room or 2000]}
            outs.append(out)
        else:
            name = out.get("name", "stdout") if out.output_type == "stream" else "stdout"
            if (cell_index, name) not in self._noted:
                self._noted.add((cell_index, name))
                text = (out.text[:room] if out.output_type == "stream" else "") + NOTE.format(budget=self.max_bytes)
                outs.append(new_output("stream", name=name, text=text))
        return None
