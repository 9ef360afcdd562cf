"""A layered money-flow chart (donors → accounts → disbursement categories → provinces) drawn with Altair.

Altair has no Sankey mark, so the layout is computed here: every stage is a column of stacked node bars on
one money scale (so a taller bar is more money, at every stage), and each link is a band whose width is its
amount, drawn as an area between the two columns along a smooth S-curve.
"""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import numpy as np
import pandas as pd

from explorer.ui.charts import Layered

STAGES = ("donors", "account", "category", "province")
LAST_IN_STAGE = ("other", "held")  # catch-all nodes go to the bottom of their column
NODE_WIDTH = 0.06
GAP_SHARE = 0.02
CURVE_POINTS = 24


def _stage(node: str) -> int:
    return STAGES.index(node.split(":", 1)[0])


def layout(links: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(nodes: node, stage, value, y0, y1; bands: link, node, amount, x, y0, y1) for links source/target/amount."""
    inflow = links.groupby("target").amount.sum()
    outflow = links.groupby("source").amount.sum()
    names = sorted(set(links.source) | set(links.target))
    nodes = pd.DataFrame({"node": names})
    nodes["stage"] = nodes.node.map(_stage)
    nodes["value"] = [max(inflow.get(n, 0), outflow.get(n, 0)) for n in names]
    nodes["last"] = nodes.node.str.split(":").str[1].isin(LAST_IN_STAGE)
    nodes = nodes.sort_values(["stage", "last", "value", "node"], ascending=[True, True, False, True])
    gap = GAP_SHARE * nodes.groupby("stage").value.sum().max()
    nodes["y0"] = nodes.groupby("stage").value.cumsum() - nodes.value + nodes.groupby("stage").cumcount() * gap
    nodes["y1"] = nodes.y0 + nodes.value
    nodes["order"] = range(len(nodes))
    nodes = nodes.set_index("node")
    ranked = links.assign(s_order=links.source.map(nodes.order), t_order=links.target.map(nodes.order))
    # Stack each node's links in the order of the nodes at their other end, so bands do not cross needlessly.
    ranked = ranked.sort_values(["s_order", "t_order"])
    ranked["s_y0"] = ranked.source.map(nodes.y0) + ranked.groupby("source").amount.cumsum() - ranked.amount
    ranked = ranked.sort_values(["t_order", "s_order"])
    ranked["t_y0"] = ranked.target.map(nodes.y0) + ranked.groupby("target").amount.cumsum() - ranked.amount
    ranked["link"] = ranked.source + " → " + ranked.target
    # Every band is CURVE_POINTS points along the S-curve between its two columns, built for all links at once.
    t = np.linspace(0, 1, CURVE_POINTS)
    smooth = 3 * t**2 - 2 * t**3
    x0 = ranked.source.map(_stage).to_numpy(dtype=float)[:, None] + NODE_WIDTH / 2
    x1 = ranked.target.map(_stage).to_numpy(dtype=float)[:, None] - NODE_WIDTH / 2
    s_y0 = ranked.s_y0.to_numpy(dtype=float)[:, None]
    y0 = s_y0 + (ranked.t_y0.to_numpy(dtype=float)[:, None] - s_y0) * smooth
    amount = ranked.amount.to_numpy()
    bands = pd.DataFrame(
        {
            "link": np.repeat(ranked.link.to_numpy(), CURVE_POINTS),
            "source": np.repeat(ranked.source.to_numpy(), CURVE_POINTS),
            "target": np.repeat(ranked.target.to_numpy(), CURVE_POINTS),
            "amount": np.repeat(amount, CURVE_POINTS),
            "x": (x0 + (x1 - x0) * t).ravel(),
            "y0": y0.ravel(),
            "y1": (y0 + amount[:, None]).ravel(),
        }
    )
    return nodes.reset_index().drop(columns=["last", "order"]), bands


def flow_chart(
    links: pd.DataFrame,
    label_of: Callable[[str], str],
    stage_titles: dict[str, str],
    amount_title: str,
    height: int = 480,
) -> Layered:
    nodes, bands = layout(links)
    words = {node: label_of(node) for node in nodes.node}  # once per node, not per point of every band
    nodes["label"] = nodes.node.map(words)
    nodes["x0"], nodes["x1"] = nodes.stage - NODE_WIDTH / 2, nodes.stage + NODE_WIDTH / 2
    last = nodes.stage == len(STAGES) - 1
    nodes["label_x"] = np.where(last, nodes.x0 - 0.01, nodes.x1 + 0.01)
    nodes["align"] = np.where(last, "right", "left")
    nodes["mid"] = (nodes.y0 + nodes.y1) / 2
    bands["from"] = bands.source.map(words)
    bands["to"] = bands.target.map(words)
    x_scale = alt.Scale(domain=[-0.1, len(STAGES) - 0.9])
    x = alt.X("x:Q", axis=None, scale=x_scale)
    y_scale = alt.Scale(reverse=True, nice=False)
    band_layer = (
        alt.Chart(bands)
        .mark_area(opacity=0.35, interpolate="linear")
        .encode(
            x=x,
            y=alt.Y("y0:Q", axis=None, scale=y_scale),
            y2="y1:Q",
            detail="link:N",
            color=alt.Color("from:N", legend=None),
            tooltip=[
                alt.Tooltip("from:N"),
                alt.Tooltip("to:N"),
                alt.Tooltip("amount:Q", title=amount_title, format="$,.0f"),
            ],
        )
    )
    node_base = alt.Chart(nodes)
    node_layer = node_base.mark_rect(color="#37474f").encode(
        x=alt.X("x0:Q", scale=x_scale, axis=None),
        x2="x1:Q",
        y=alt.Y("y0:Q", scale=y_scale, axis=None),
        y2="y1:Q",
        tooltip=[alt.Tooltip("label:N"), alt.Tooltip("value:Q", title=amount_title, format="$,.0f")],
    )
    labels = [
        node_base.transform_filter(alt.datum.align == side)
        .mark_text(align=side, fontSize=11)
        .encode(
            x=alt.X("label_x:Q", scale=x_scale, axis=None), y=alt.Y("mid:Q", scale=y_scale, axis=None), text="label:N"
        )
        for side in ("left", "right")
    ]
    titles = (
        alt.Chart(pd.DataFrame({"x": range(len(STAGES)), "title": [stage_titles[s] for s in STAGES]}))
        .mark_text(fontWeight="bold", dy=-8)
        .encode(x=alt.X("x:Q", scale=x_scale, axis=None), y=alt.value(0), text="title:N")
    )
    return alt.layer(band_layer, node_layer, *labels, titles).properties(height=height)
