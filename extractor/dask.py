"""The batch on a Dask cluster: the same per-document work, the same records, in input order.

Needs the ``dask`` extra (``pip install 'extractor[dask]'``, which brings ``dask[distributed]``).
Dask itself is imported only when it is used, so importing this module is cheap and a missing
extra gives :class:`DaskUnavailableError` with the install command.

* :func:`extract_bag` – a lazy ``dask.bag.Bag`` of :class:`~extractor.batch.DocumentOutput`
  (or of record dicts) for use from Python with any scheduler;
* :class:`DaskEngine` – what ``extractor extract --engine dask`` runs: inputs are read here,
  streamed to the cluster in batches (a bag each, a bounded number in flight), and the outputs
  come back in input order.

Every worker needs this package installed (the same version) but no access to the input files:
they are read where the bag is built (archives expanded there), and each document's bytes travel
with its task; the workers decode them (PDF text above all), as the local engine's do.
"""

from __future__ import annotations

import operator
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from .batch import DEFAULT_DOC_TIMEOUT, DocumentOutput, InputItem, _chunks, process_input, warm_up
from .readers import DEFAULT_MAX_BYTES, iter_pending_inputs

if TYPE_CHECKING:
    import dask.bag

__all__ = ["DEFAULT_PARTITION_SIZE", "DaskEngine", "DaskUnavailableError", "extract_bag"]

#: Documents per bag partition (one Dask task).
DEFAULT_PARTITION_SIZE = 32
#: Partitions per worker in one batch sent to the cluster; two batches are in flight at a time.
PARTITIONS_PER_WORKER = 4

INSTALL_HINT = "the Dask engine needs the 'dask' extra: pip install 'extractor[dask]'"


class DaskUnavailableError(RuntimeError):
    """Dask (with ``distributed``) is not installed."""


def _bag_module() -> Any:
    try:
        import dask.bag as db
    except ImportError as exc:
        raise DaskUnavailableError(f"{INSTALL_HINT} (import failed: {exc})") from exc
    return db


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise DaskUnavailableError(f"{INSTALL_HINT} (import failed: {exc})") from exc
    return distributed


def bag_of_inputs(
    items: Sequence[InputItem],
    *,
    with_text: bool = False,
    timeout: float | None = DEFAULT_DOC_TIMEOUT,
    partition_size: int = DEFAULT_PARTITION_SIZE,
) -> dask.bag.Bag:
    """A bag of the outputs of ``items`` (read, or read and decoded), partitions in input order."""
    db = _bag_module()
    inputs = db.from_sequence(list(items), partition_size=max(1, partition_size))
    outputs: dask.bag.Bag = inputs.map(process_input, with_text=with_text, timeout=timeout)
    return outputs


def extract_bag(
    paths: Sequence[str],
    *,
    glob: str | None = None,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    with_text: bool = False,
    timeout: float | None = DEFAULT_DOC_TIMEOUT,
    partition_size: int = DEFAULT_PARTITION_SIZE,
    records: bool = False,
    pdf_engine: str = "pypdfium2",
) -> dask.bag.Bag:
    """A lazy bag of one :class:`~extractor.batch.DocumentOutput` per input, in input order.

    With ``records=True``, a bag of the record dicts instead (each input's ``document`` or
    ``error`` record after its other records), the records ``extractor extract`` writes.

    The inputs are read here, when the bag is built (archives are expanded, unreadable inputs
    become error records); decoding them (PDF text, HTML, DOCX) and the extraction run where the
    bag is computed::

        from distributed import Client
        from extractor.dask import extract_bag

        with Client("tcp://scheduler:8786"):
            outputs = extract_bag(["reports.zip"]).compute()

    The bag holds every document's bytes, so for an archive larger than memory use
    :class:`DaskEngine`, which sends the inputs to the cluster in batches.
    """
    items = list(
        iter_pending_inputs(paths, glob=glob, encoding=encoding, max_bytes=max_bytes, pdf_engine=pdf_engine)
    )
    bag: Any = bag_of_inputs(items, with_text=with_text, timeout=timeout, partition_size=partition_size)
    if records:
        bag = bag.map(operator.attrgetter("records")).flatten()
    result: dask.bag.Bag = bag
    return result


class DaskEngine:
    """Runs :func:`~extractor.batch.process_input` on a Dask cluster, outputs in input order.

    With no ``scheduler`` address, starts a local cluster of ``jobs`` single-threaded worker
    processes on the loopback interface (no dashboard); otherwise connects to the scheduler at
    ``scheduler`` (e.g. ``tcp://10.0.0.5:8786``) and leaves the cluster running afterwards.

    Inputs are sent in batches of ``PARTITIONS_PER_WORKER`` partitions per worker, at most two
    batches in flight, so memory here does not grow with the archive.
    """

    def __init__(
        self,
        scheduler: str | None = None,
        *,
        jobs: int = 1,
        with_text: bool = False,
        timeout: float | None = DEFAULT_DOC_TIMEOUT,
        partition_size: int = DEFAULT_PARTITION_SIZE,
    ) -> None:
        _bag_module()
        self._distributed = _distributed()
        self.scheduler = scheduler
        self.jobs = max(1, jobs)
        self.with_text = with_text
        self.timeout = timeout
        self.partition_size = max(1, partition_size)
        self._cluster: Any = None
        self._client: Any = None

    def __enter__(self) -> DaskEngine:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def start(self) -> None:
        """Start (or connect to) the cluster and load the extractor on every worker."""
        if self._client is not None:
            return
        if self.scheduler is None:
            self._cluster = self._distributed.LocalCluster(
                n_workers=self.jobs,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            )
            self._client = self._distributed.Client(self._cluster)
        else:
            self._client = self._distributed.Client(self.scheduler)
        self._client.run(warm_up)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def _workers(self) -> int:
        """Threads on the cluster now (``scheduler_info`` lists only the first few workers)."""
        threads: dict[str, int] = self._client.nthreads()
        return max(1, sum(threads.values()))

    def run(self, items: Iterable[InputItem]) -> Iterator[DocumentOutput]:
        """One output per input, in input order."""
        self.start()
        batch = self.partition_size * PARTITIONS_PER_WORKER * self._workers()
        pending: deque[Any] = deque()
        try:
            for chunk in _chunks(items, batch, 1 << 62):
                bag = bag_of_inputs(
                    chunk, with_text=self.with_text, timeout=self.timeout, partition_size=self.partition_size
                )
                pending.append(self._client.compute(bag))
                if len(pending) >= 2:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()
