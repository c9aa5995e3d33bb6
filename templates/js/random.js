/* gdvizRandom: numpy's default random stream in the page, bit for bit, as far as minibatches
 * need it — ``numpy.random.default_rng(seed).permutation(n)``, epoch after epoch — and the
 * batch plan of gdviz/batches.py on top of it.
 *
 * What numpy does (numpy/random/bit_generator.pyx, _pcg64.pyx, src/pcg64/pcg64.h,
 * _generator.pyx, src/distributions/distributions.c), followed step for step:
 *
 * 1. SeedSequence(seed): the integer as 32-bit words, lowest first ([0] for 0); a pool of 4
 *    words filled by hashmix (value ^= h; h *= MULT_A; value *= h; value ^= value >> 16, from
 *    h = INIT_A) and mixed pairwise by mix(x, y) = (L·x − R·y) ^ (… >> 16); words beyond the
 *    pool mixed into every pool word. generate_state(4, uint64): 8 words, word i = pool[i mod 4]
 *    hashed with h from INIT_B (h *= MULT_B), paired little-endian into 64-bit words s0..s3.
 * 2. PCG64(seed = s0·2⁶⁴ + s1, inc = s2·2⁶⁴ + s3): state 0, increment 2·inc + 1, step, add the
 *    seed, step; a step is state ← state·M + increment (mod 2¹²⁸), M = 0x2360ED051FC65DA4
 *    4385DF649FCCF645. Each 64-bit output steps first, then returns XSL-RR:
 *    rotr₆₄(high ⊕ low, state >> 122).
 * 3. next_uint32 hands out a 64-bit output as two halves, low first, keeping the high half
 *    for the next call (the Generator keeps it across calls, so across epochs).
 * 4. permutation(n) shuffles arange(n) (the 1-D fast path, _shuffle_raw): for i = n−1 … 1,
 *    j = random_interval(i) — mask = the smallest 2ᵏ − 1 ≥ i, draw next_uint32 & mask until
 *    ≤ i — then swap elements i and j.
 *
 * The 128-bit arithmetic is BigInt's (exact); a plan is computed once per (n, batch size,
 * seed, steps), so its cost is a few draws per sample per epoch. */
var gdvizRandom = (function () {
  "use strict";
  var MASK32 = 0xffffffffn, MASK64 = (1n << 64n) - 1n, MASK128 = (1n << 128n) - 1n;
  var MULTIPLIER = (0x2360ed051fc65da4n << 64n) | 0x4385df649fccf645n;
  var INIT_A = 0x43b0d7e5, MULT_A = 0x931e8875, INIT_B = 0x8b51f9dd, MULT_B = 0x58f38ded;
  var MIX_L = 0xca01f9dd, MIX_R = 0x4973f715, POOL = 4;

  /* ------------------------------------------------------------ SeedSequence */
  function words(seed) {
    var n = BigInt(seed), out = [];
    if (n < 0n) throw new RangeError("expected non-negative integer");
    if (n === 0n) out.push(0);
    while (n > 0n) { out.push(Number(n & MASK32)); n >>= 32n; }
    return out;
  }
  function hashmix(value, h) {  // h: a one-element array, the running hash constant
    value = (value ^ h[0]) >>> 0;
    h[0] = Math.imul(h[0], MULT_A) >>> 0;
    value = Math.imul(value, h[0]) >>> 0;
    return (value ^ (value >>> 16)) >>> 0;
  }
  function mix(x, y) {
    var r = (Math.imul(MIX_L, x) - Math.imul(MIX_R, y)) >>> 0;
    return (r ^ (r >>> 16)) >>> 0;
  }
  function pool(entropy) {
    var h = [INIT_A], mixer = new Array(POOL), i, j;
    for (i = 0; i < POOL; i++) mixer[i] = hashmix(i < entropy.length ? entropy[i] : 0, h);
    for (i = 0; i < POOL; i++) {
      for (j = 0; j < POOL; j++) if (i !== j) mixer[j] = mix(mixer[j], hashmix(mixer[i], h));
    }
    for (i = POOL; i < entropy.length; i++) {
      for (j = 0; j < POOL; j++) mixer[j] = mix(mixer[j], hashmix(entropy[i], h));
    }
    return mixer;
  }
  /* generate_state(count, uint64) as BigInts. */
  function generateState(seed, count) {
    var mixer = pool(words(seed)), h = INIT_B, halves = [], out = [];
    for (var i = 0; i < 2 * count; i++) {
      var v = (mixer[i % POOL] ^ h) >>> 0;
      h = Math.imul(h, MULT_B) >>> 0;
      v = Math.imul(v, h) >>> 0;
      halves.push((v ^ (v >>> 16)) >>> 0);
    }
    for (var k = 0; k < count; k++) out.push((BigInt(halves[2 * k + 1]) << 32n) | BigInt(halves[2 * k]));
    return out;
  }

  /* ------------------------------------------------------------ PCG64 */
  function Generator(seed) {
    var s = generateState(seed, 4);
    this.increment = ((((s[2] << 64n) | s[3]) << 1n) | 1n) & MASK128;
    this.state = 0n;
    this.step();
    this.state = (this.state + ((s[0] << 64n) | s[1])) & MASK128;
    this.step();
    this.hasHalf = false;
    this.half = 0;
  }
  Generator.prototype.step = function () {
    this.state = (this.state * MULTIPLIER + this.increment) & MASK128;
  };
  /* next_uint64 as a BigInt. */
  Generator.prototype.next64 = function () {
    this.step();
    var x = ((this.state >> 64n) ^ this.state) & MASK64, rot = this.state >> 122n;
    return ((x >> rot) | (x << ((64n - rot) & 63n))) & MASK64;
  };
  /* next_uint32 as a Number. */
  Generator.prototype.next32 = function () {
    if (this.hasHalf) { this.hasHalf = false; return this.half; }
    var x = this.next64();
    this.hasHalf = true;
    this.half = Number(x >> 32n);
    return Number(x & MASK32);
  };
  /* random_interval(max) for max < 2³² (a data set's size): masked rejection. */
  Generator.prototype.interval = function (max) {
    if (max === 0) return 0;
    var mask = max;
    mask |= mask >>> 1; mask |= mask >>> 2; mask |= mask >>> 4; mask |= mask >>> 8; mask |= mask >>> 16;
    mask >>>= 0;
    var value;
    while ((value = (this.next32() & mask) >>> 0) > max) { /* reject */ }
    return value;
  };
  /* Generator.permutation(n), into ``out`` (an Int32Array of n) when given. */
  Generator.prototype.permutation = function (n, out) {
    var a = out || new Int32Array(n), i;
    for (i = 0; i < n; i++) a[i] = i;
    for (i = n - 1; i >= 1; i--) {
      var j = this.interval(i), t = a[j];
      a[j] = a[i]; a[i] = t;
    }
    return a;
  };

  function defaultRng(seed) { return new Generator(seed); }

  /* ------------------------------------------------------------ the batch plan */
  /* gdviz.batches.batch_plan for one seed: the rows of each of ``steps`` updates.
     Returns {n, size, epochs: Int32Array(steps), rows(k): the Int32Array of step k's samples
     (update k + 1)}, or null for full batch (batchSize null or ≥ n: no draws at all). */
  function batchPlan(n, batchSize, seed, steps) {
    if (batchSize === null || batchSize === undefined || batchSize >= n) return null;
    var perEpoch = Math.ceil(n / batchSize), epochsNeeded = Math.ceil(steps / perEpoch);
    var rng = defaultRng(seed), order = new Int32Array(epochsNeeded * n), epochs = new Int32Array(steps);
    for (var e = 0; e < epochsNeeded; e++) rng.permutation(n, order.subarray(e * n, (e + 1) * n));
    for (var k = 0; k < steps; k++) epochs[k] = Math.floor(k / perEpoch);
    return {
      n: n, size: batchSize, seed: seed, epochs: epochs,
      rows: function (k) {
        var start = epochs[k] * n + (k % perEpoch) * batchSize;
        return order.subarray(start, Math.min(start + batchSize, (epochs[k] + 1) * n));
      }
    };
  }

  return { defaultRng: defaultRng, generateState: generateState, batchPlan: batchPlan };
})();
