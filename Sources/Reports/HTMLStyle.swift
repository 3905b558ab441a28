/// The report's inline stylesheet: system fonts only (no downloads), print-friendly.
enum HTMLStyle {
    static let css = """
        :root{--fg:#1d2330;--muted:#5b6472;--line:#d9dde3;--bg:#f6f7f9;--accent:#2f6690}
        *{box-sizing:border-box}
        body{margin:0;background:var(--bg);color:var(--fg);
          font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
        main{max-width:1340px;margin:0 auto;padding:28px 32px 48px}
        header h1{margin:0 0 4px;font-size:28px;font-weight:650}
        .lede{margin:0 0 4px;font-size:16px}
        .meta{margin:0;color:var(--muted);font-size:13px}
        section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:18px 22px;margin:18px 0}
        h2{font-size:18px;margin:0 0 6px;font-weight:600}
        .headline .big{font-size:20px;margin:0 0 14px;font-weight:500}
        .cards{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:8px}
        .card{flex:1 1 200px;border:1px solid var(--line);border-radius:6px;padding:10px 14px;background:#fbfcfd}
        .card .k{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
        .card .v{font-size:26px;font-weight:650;color:var(--accent)}
        .card .d{font-size:13px;color:var(--muted)}
        .recs{margin:4px 0 12px;padding-left:20px}
        .warnings{margin:4px 0 14px;padding-left:20px;font-size:14px}
        .warn{color:#a4401c}
        .note{color:var(--muted);font-size:13px;margin:0 0 8px}
        svg.chart{width:100%;height:auto;display:block}
        .chart-wrap .narrow{display:none}
        svg .grid{stroke:#e6e9ee;stroke-width:1}
        svg .axis{stroke:#8a93a0;stroke-width:1}
        svg .tick{font-size:11px;fill:#4a5260}
        svg .axis-title{font-size:12px;fill:#1d2330}
        svg .legend{font-size:12px;fill:#1d2330}
        svg .lbl,svg .note{font-size:12px;fill:#1d2330}
        svg .cell{font-size:10px;font-weight:600}
        svg .cell-empty{fill:#f0f1f3}
        svg .series{stroke-width:2.2}
        svg .thin{stroke-width:1;opacity:.8}
        svg .mean{stroke:#1d2330;stroke-width:1.5;stroke-dasharray:6 4}
        svg .target{stroke:#c0392b;stroke-width:2;stroke-dasharray:5 3}
        table.data{border-collapse:collapse;width:100%;font-size:12.5px;font-variant-numeric:tabular-nums}
        table.narrow{width:auto}
        table.data th,table.data td{padding:4px 7px;border-bottom:1px solid var(--line);text-align:left;
          white-space:nowrap}
        table.data th{background:#f0f2f5;font-weight:600}
        table.data .num{text-align:right}
        .scroll{overflow-x:auto;max-height:640px;overflow-y:auto}
        footer{color:var(--muted);font-size:12px;margin-top:18px}
        @media (max-width:600px){main{padding:12px 8px 32px}section{padding:12px 10px}
          header h1{font-size:22px}.headline .big{font-size:16px}.card .v{font-size:21px}
          .chart-wrap .wide{display:none}.chart-wrap .narrow{display:block}
          table.data th,table.data td{white-space:normal}}
        @media print{body{background:#fff}section{break-inside:avoid}.scroll{max-height:none}}
        """
}
