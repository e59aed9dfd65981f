import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CelMeter, DEFAULT_CEL_LIMITS } from "../../../../src/core/crd/cel/cel-budget.ts";
import { createCelCompiler, MAX_CACHED_PROGRAMS } from "../../../../src/core/crd/cel/cel-compiler.ts";

const compiler = createCelCompiler();

function run(expression: string, self: unknown = null): unknown {
  const program = compiler.compile(expression, false);
  assert.ok(program.ok, program.ok ? "" : program.reason);
  const meter = new CelMeter(DEFAULT_CEL_LIMITS);
  meter.startRule();
  return program.evaluate({ self }, meter);
}

describe("the Kubernetes CEL library (k8s.io/apiserver/pkg/cel/library, cel-go ext)", () => {
  // Expected values from the functions' doc comments in lists.go, regex.go, quantity.go and cel-go's ext/strings.go, ext/sets.go.
  const cases: [string, unknown][] = [
    ["[1, 2, 3].isSorted()", true],
    ["['a', 'c', 'b'].isSorted()", false],
    ["[1, 2, 3].sum()", 6n],
    ["[1.5, 2.5].sum()", 4],
    ["[].sum() == 0", true],
    ["[3, 1, 2].min()", 1n],
    ["['b', 'a'].max()", "b"],
    ["[1, 2, 2, 3].indexOf(2)", 1n],
    ["[1, 2, 2, 3].lastIndexOf(2)", 2n],
    ["[1, 2].indexOf(9)", -1n],
    ["'abc 123'.find('[0-9]+')", "123"],
    ["'abc'.find('[0-9]+')", ""],
    ["'123 abc 456'.findAll('[0-9]+')", ["123", "456"]],
    ["'123 abc 456'.findAll('[0-9]+', 1)", ["123"]],
    ["'abc'.matches('^a.c$')", true],
    ["matches('abc', 'b')", true],
    ["'hello'.charAt(1)", "e"],
    ["'hello'.charAt(5)", ""],
    ["'hello hello'.replace('he', 'we')", "wello wello"],
    ["'hello hello'.replace('he', 'we', 1)", "wello hello"],
    ["'gums'.reverse()", "smug"],
    ["strings.quote('a\"b')", "\"a\\\"b\""],
    ["sets.contains([1, 2, 3], [3, 1])", true],
    ["sets.contains([1, 2], [4])", false],
    ["sets.equivalent([1, 2, 2], [2, 1])", true],
    ["sets.intersects([1, 2], [2, 5])", true],
    ["quantity('1Gi').compareTo(quantity('1024Mi'))", 0n],
    ["quantity('500m').isLessThan(quantity('1'))", true],
    ["quantity('2').isGreaterThan(quantity('1500m'))", true],
    ["quantity('1k').asInteger()", 1000n],
    ["quantity('1.5').isInteger()", false],
    ["quantity('1.5').asApproximateFloat()", 1.5],
    ["quantity('-3').sign()", -1n],
    ["quantity('1Gi').add(quantity('1Gi')).compareTo(quantity('2Gi'))", 0n],
    ["quantity('1').sub(1).sign()", 0n],
    ["quantity('1Gi') == quantity('1024Mi')", true],
    ["isQuantity('10Gi')", true],
    ["isQuantity('ten')", false],
    ["self.?missing.orValue('fallback')", "fallback"],
  ];
  for (const [expression, expected] of cases) {
    it(`${expression} → ${String(expected)}`, () => assert.deepEqual(run(expression, new Map()), expected));
  }

  it("errors as cel-go does: min of an empty list, an invalid quantity, a charAt past the end", () => {
    assert.throws(() => run("[].min()"), /empty list/);
    assert.throws(() => run("quantity('ten')"), /quantities must match/);
    assert.throws(() => run("'ab'.charAt(3)"), /index out of range/);
  });

  it("reports functions it lacks at compile time, by name", () => {
    for (const expression of ["ip(self).family()", "cidr(self).prefixLength()", "self.all(i, v, v > 0)", "format.dns1123Label().validate(self)"]) {
      const program = compiler.compile(expression, false);
      assert.equal(program.ok, false, expression);
    }
  });

  it("keeps compiled programs by rule text, bounded", () => {
    const a = compiler.compile("self == oldSelf", false);
    assert.equal(compiler.compile("self == oldSelf", false), a);
    assert.notEqual(compiler.compile("self == oldSelf", true), a, "optionalOldSelf is another program");
    const small = createCelCompiler();
    const first = small.compile("1 == 1", false);
    for (let i = 0; i < MAX_CACHED_PROGRAMS; i++) small.compile(`self == ${i}`, false);
    assert.notEqual(small.compile("1 == 1", false), first, "the oldest entry left the cache");
  });

  it("charges library functions by the size of their input", () => {
    const program = compiler.compile("self.sum() > 0", false);
    assert.ok(program.ok);
    const meter = new CelMeter({ ruleSteps: 5_000, objectSteps: 1e9, ruleMs: 1e9, objectMs: 1e9 });
    meter.startRule();
    const big = Array.from({ length: 10_000 }, () => 1n);
    assert.throws(() => program.evaluate({ self: big }, meter), /rule steps/);
  });
});

describe("the Kubernetes URL library (urls.go, its doc comments' examples)", () => {
  const cases: [string, unknown][] = [
    ["url('https://example.com:80/').getHost()", "example.com:80"],
    ["url('https://[::1]:80/').getHost()", "[::1]:80"],
    ["url('https://example.com/').getHostname()", "example.com"],
    ["url('https://[::1]:80/').getHostname()", "::1"],
    ["url('https://example.com:443/').getPort()", "443"],
    ["url('https://example.com/').getPort()", ""],
    ["url('https://example.com/path').getScheme()", "https"],
    ["url('/absolute-path').getScheme()", ""],
    ["url('https://example.com/path with spaces/').getEscapedPath()", "/path%20with%20spaces/"],
    ["url('https://example.com').getEscapedPath()", ""],
    ["url('https://example.com/path?k1=a&k2=b&k2=c').getQuery()", new Map([["k1", ["a"]], ["k2", ["b", "c"]]])],
    ["isURL('https://user:pass@example.com:80/path?query=val#fragment')", true],
    ["isURL('/absolute-path')", true],
    ["isURL('invalid url')", false],
    ["isURL('')", false],
  ];
  for (const [expression, expected] of cases) {
    it(`${expression} → ${expected instanceof Map ? "a map" : String(expected)}`, () => assert.deepEqual(run(expression), expected));
  }
  it("url() of an invalid URL is an error", () => assert.throws(() => run("url('not a url')"), /URL parse error/));
});
