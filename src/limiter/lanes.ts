import type Bottleneck from 'bottleneck';
import { createBottleneck } from './engine';
import { Lane } from './lane';
import type { EngineMaker } from './lane';
import type { TierLimits } from './limits';

/** The lanes of one model: its own requests and tokens, on top of the key's. */
export interface ModelLanes {
  requests: Lane;
  tokens: Lane;
}

type MakerFor = (name: string, extra?: Bottleneck.ConstructorOptions) => EngineMaker;

/** Builds every engine from the caller's base options (clustering plugs in there). */
export function engineMakers(base: Bottleneck.ConstructorOptions): MakerFor {
  const prefix = base.id ?? 'litellm-tier';
  return (name, extra = {}) =>
    (reservoir) =>
      createBottleneck({
        ...base,
        ...extra,
        id: `${prefix}:${name}`,
        reservoir,
        // Refresh intervals are anchored at creation and let 2× through at a boundary; the
        // limiter gives window slots back itself, a window after each call settles.
        reservoirRefreshInterval: null,
        reservoirRefreshAmount: null,
        reservoirIncreaseInterval: null,
        reservoirIncreaseAmount: null,
        reservoirIncreaseMaximum: null,
      });
}

/** The key's lanes and each model's; the key's requests lane also carries the parallel cap. */
export class Lanes {
  readonly requests: Lane;
  readonly tokens: Lane;
  /** Each model's lanes, made on first use. */
  readonly models = new Map<string, ModelLanes>();
  readonly #all: Lane[];
  #limits: TierLimits;
  /** The cap last given to the engine: `limits` may be the caller's object, changed in place. */
  #parallel: number | null;
  readonly #makerFor: MakerFor;

  constructor(limits: TierLimits, makerFor: MakerFor) {
    this.#limits = limits;
    this.#parallel = limits.parallel;
    this.#makerFor = makerFor;
    const requests = makerFor('requests', { maxConcurrent: limits.parallel });
    this.requests = new Lane('requests', undefined, limits.rpm, requests, true);
    this.tokens = new Lane('tokens', undefined, limits.tpm, makerFor('tokens'));
    this.#all = [this.requests, this.tokens];
  }

  /** A model's lanes, made on first use. */
  forModel(model: string): ModelLanes {
    let lanes = this.models.get(model);
    if (lanes === undefined) {
      const own = this.#limits.models[model];
      const lane = (name: 'requests' | 'tokens', limit: number | null | undefined) =>
        new Lane(`model_${name}`, model, limit ?? null, this.#makerFor(`model:${model}:${name}`));
      lanes = { requests: lane('requests', own?.rpm), tokens: lane('tokens', own?.tpm) };
      this.models.set(model, lanes);
      this.#all.push(lanes.requests, lanes.tokens);
    }
    return lanes;
  }

  /** Every lane, key lanes first (the same array each time: do not change it). */
  all(): readonly Lane[] {
    return this.#all;
  }

  /** Applies new limits to every lane, raising or lowering. */
  apply(limits: TierLimits): void {
    this.#limits = limits;
    this.requests.setLimit(limits.rpm);
    this.tokens.setLimit(limits.tpm);
    for (const [model, lanes] of this.models) {
      lanes.requests.setLimit(limits.models[model]?.rpm ?? null);
      lanes.tokens.setLimit(limits.models[model]?.tpm ?? null);
    }
    if (limits.parallel !== this.#parallel) {
      this.#parallel = limits.parallel;
      const engine = this.requests.bottleneck as Bottleneck;
      void Promise.resolve(engine.updateSettings({ maxConcurrent: limits.parallel })).catch(
        () => undefined,
      );
    }
  }
}
