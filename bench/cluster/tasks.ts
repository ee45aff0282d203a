/** The tasks the cluster bench's worker hosts serve. */
export function square(x: number): number {
  return x * x;
}

export function echo(value: number): number {
  return value;
}

export function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}
