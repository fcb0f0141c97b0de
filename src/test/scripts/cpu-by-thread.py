#!/usr/bin/env python3
"""CPU time by JVM thread and by PostgreSQL process during a benchmark (Linux, /proc).

  cpu-by-thread.py record SAMPLES [roster]
                                       # start before `mvn ... -Pbenchmark`; samples every 0.5 s
                                       # until the surefire JVM it found exits (with `roster`: the
                                       # first Roster instance a benchmark starts, RosterProcess)
  cpu-by-thread.py window SAMPLES START END
                                       # core-seconds each thread / process used between two epoch
                                       # times, e.g. a "snapshot-1.csv ran from START to END" line

Threads are told apart by id, so a thread that ended during the window still counts; their names
are Linux's (the first 15 characters of the Java name).
"""
import collections
import json
import os
import re
import sys
import time


def ticks(path):
    text = open(path).read()
    close = text.rfind(')')
    fields = text[close + 2:].split()
    return text[text.find('(') + 1:close], int(fields[11]) + int(fields[12])  # utime + stime


def jvm(marker):
    for pid in filter(str.isdigit, os.listdir('/proc')):
        try:
            args = open(f'/proc/{pid}/cmdline', 'rb').read().split(b'\0')
        except OSError:
            continue
        if args[0].endswith(b'java') and any(marker in a for a in args):
            return pid
    return None


def record(out_path, marker=b'surefirebooter'):
    pid = None
    while pid is None:
        pid = jvm(marker)
        time.sleep(0.5)
    with open(out_path, 'w') as out:
        while os.path.exists(f'/proc/{pid}'):
            snap = {'t': time.time(), 'jvm': {}, 'pg': {}}
            try:
                tids = os.listdir(f'/proc/{pid}/task')
            except OSError:
                break
            for tid in tids:
                try:
                    name, used = ticks(f'/proc/{pid}/task/{tid}/stat')
                    snap['jvm'][f'{name} #{tid}'] = used
                except OSError:
                    pass
            for p in filter(str.isdigit, os.listdir('/proc')):
                try:
                    cmd = open(f'/proc/{p}/cmdline', 'rb').read().replace(b'\0', b' ').decode(errors='replace')
                    if cmd.startswith('postgres'):
                        snap['pg'][f'{cmd.strip()[:60]} #{p}'] = ticks(f'/proc/{p}/stat')[1]
                except OSError:
                    pass
            out.write(json.dumps(snap) + '\n')
            out.flush()
            time.sleep(0.5)


def window(path, start, end):
    rows = [json.loads(line) for line in open(path)]
    inside = [r for r in rows if start - 0.6 <= r['t'] <= end + 0.6]
    first, last = {}, {}
    for r in inside:
        for group in ('jvm', 'pg'):
            for key, used in r[group].items():
                first.setdefault((group, key), used if r is inside[0] else 0)
                last[(group, key)] = used
    totals = collections.Counter()
    for (group, key), used in last.items():
        name = re.sub(r' #\d+$', '', key)
        name = re.sub(r'\d+$', '#', name) if group == 'jvm' else re.sub(r'\S+\(\d+\)', '', name)
        totals[f'{group} {name.strip()}'] += (used - first[(group, key)]) / os.sysconf('SC_CLK_TCK')
    print(f"window {inside[-1]['t'] - inside[0]['t']:.1f} s; the JVM "
          f"{sum(v for k, v in totals.items() if k.startswith('jvm')):.1f}, PostgreSQL "
          f"{sum(v for k, v in totals.items() if k.startswith('pg')):.1f} core-s")
    for key, used in totals.most_common(20):
        print(f'{used:7.1f} {key}')


if __name__ == '__main__':
    if len(sys.argv) == 3 and sys.argv[1] == 'record':
        record(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == 'record' and sys.argv[3] == 'roster':
        record(sys.argv[2], b'org.roster.RosterApplication')
    elif len(sys.argv) == 5 and sys.argv[1] == 'window':
        window(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]))
    else:
        sys.exit(__doc__)
