# mypy: ignore-errors
"""The bench process as a viewflow flow: three sequential human tasks at three agencies, a split
to two parallel tasks, a join, the issuing task, end. Each task needs a permission, held by the
official of that agency (viewflow's counterpart of Sinergi's authority check)."""

from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.flow.views import UpdateProcessView

TASK_VIEW = UpdateProcessView.as_view(fields=[])

#: task name -> (permission codename, the login that acts on it)
TASKS = {
    "cek_fisik": ("bench_verifikasi_stnk", "polda.metro"),
    "penetapan_pkb": ("bench_tetapkan_pkb", "bapenda.dki"),
    "pembayaran_swdkllj": ("bench_terbit_swdkllj", "jasaraharja"),
    "pemeriksaan_bpkb": ("bench_verifikasi_stnk", "polda.metro"),
    "penerbitan_skpd": ("bench_tetapkan_pkb", "bapenda.dki"),
    "penerbitan_stnk": ("bench_terbit_stnk", "polda.metro"),
}


def _task(name):
    return flow.View(TASK_VIEW).Permission(f"viewflow.{TASKS[name][0]}")


class BenchFlow(flow.Flow):
    start = flow.StartHandle().Next(this.cek_fisik)
    cek_fisik = _task("cek_fisik").Next(this.penetapan_pkb)
    penetapan_pkb = _task("penetapan_pkb").Next(this.pembayaran_swdkllj)
    pembayaran_swdkllj = _task("pembayaran_swdkllj").Next(this.split)
    split = flow.Split().Next(this.pemeriksaan_bpkb).Next(this.penerbitan_skpd)
    pemeriksaan_bpkb = _task("pemeriksaan_bpkb").Next(this.join)
    penerbitan_skpd = _task("penerbitan_skpd").Next(this.join)
    join = flow.Join().Next(this.penerbitan_stnk)
    penerbitan_stnk = _task("penerbitan_stnk").Next(this.end)
    end = flow.End()
