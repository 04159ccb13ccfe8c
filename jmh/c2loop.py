#!/usr/bin/env python3
"""The innermost FMA loop of a method as C2 compiled it, as assembly that llvm-mca reads.

    VIT_JAVA_OPTS="-XX:+UnlockDiagnosticVMOptions -XX:CompileCommand=print,dev.vectorvit.kernels.MicroKernel::tiles" \
        ./vit bench --iterations 3 > c2.log
    python3 jmh/c2loop.py c2.log MicroKernel::tiles > loop.s
    llvm-mca -mcpu=icelake-server loop.s        # or skylake-avx512, znver3, ...: cycles per iteration

Takes the last full (not OSR) C2 compile of the method in the log. Without an hsdis library the JVM prints
the code as hex words; they are decoded with binutils' objdump (an hsdis listing is not parsed). The loop is
the smallest one closed by a backward branch that holds at least --fmas FMA instructions; its other
branches are pointed at an EXIT label. Counts go to stderr.
"""
import argparse
import re
import subprocess
import sys
import tempfile

HEX_LINE = re.compile(r'\s+0x([0-9a-f]+): ((?:[0-9a-f]{2,8} ?\|? ?)+)$')
INSTRUCTION = re.compile(r'\s+([0-9a-f]+):\t[0-9a-f ]+\t(.*)$')
BRANCH = re.compile(r'(j\w+)\s+0x([0-9a-f]+)')


def code_bytes(lines, method):
    starts = [i for i, line in enumerate(lines)
              if line.startswith('Compiled method (c2)') and method in line and ' % ' not in line]
    if not starts:
        sys.exit(f'no C2 compile of {method} in the log (is -XX:CompileCommand=print,... set?)')
    code, base = bytearray(), None
    for line in lines[starts[-1] + 1:]:
        if line.startswith(('Compiled method', '[Stub Code]', '[Exception Handler]')):
            break
        m = HEX_LINE.match(line)
        if m:
            address = int(m.group(1), 16)
            base = address if base is None else base
            code += b'\x90' * (address - base - len(code))
            code += bytes.fromhex(m.group(2).replace('|', '').replace(' ', ''))
    return base, bytes(code)


def disassemble(base, code):
    with tempfile.NamedTemporaryFile(suffix='.bin') as f:
        f.write(code)
        f.flush()
        text = subprocess.run(['objdump', '-D', '-b', 'binary', '-m', 'i386:x86-64', '-M', 'intel',
                               f'--adjust-vma={base:#x}', f.name], capture_output=True, text=True, check=True).stdout
    return [(int(m.group(1), 16), m.group(2).strip()) for m in map(INSTRUCTION.match, text.split('\n')) if m]


def innermost_loop(instructions, fmas):
    best = None
    for address, text in instructions:
        m = BRANCH.match(text)
        if m and int(m.group(2), 16) < address:
            body = [x for x in instructions if int(m.group(2), 16) <= x[0] <= address]
            if sum('vfmadd' in t for _, t in body) >= fmas and (best is None or len(body) < len(best)):
                best = body
    if best is None:
        sys.exit(f'no loop with {fmas} FMAs')
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('log')
    parser.add_argument('method', help='e.g. MicroKernel::tiles')
    parser.add_argument('--fmas', type=int, default=12, help='FMAs the loop must hold (default 12)')
    args = parser.parse_args()
    with open(args.log, errors='replace') as f:
        body = innermost_loop(disassemble(*code_bytes(f.read().split('\n'), args.method)), args.fmas)
    print('.intel_syntax noprefix\nLOOP:')
    for i, (_, text) in enumerate(body):
        m = BRANCH.match(text)
        if m:
            text = f'{m.group(1)} {"LOOP" if i == len(body) - 1 else "EXIT"}'
        print(re.sub(r'\b([XYZ]?MM|[DQ])WORD PTR', lambda w: w.group(0).lower(), text))
    print('EXIT:')
    kinds = {'FMA': 'vfmadd', 'GPR<->XMM move': 'vmovq', 'stack access': '[rsp'}
    counts = ', '.join(f'{sum(k in t for _, t in body)} {name}' for name, k in kinds.items())
    print(f'{len(body)} instructions: {counts}', file=sys.stderr)


if __name__ == '__main__':
    main()
