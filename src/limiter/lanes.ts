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
  private readonly models = new Map<string, ModelLanes>();
  private parallel: number | null;

  constructor(
    private limits: TierLimits,
    private readonly makerFor: MakerFor,
  ) {
    this.parallel = limits.parallel;
    const concurrency = { maxConcurrent: limits.parallel };
    const requests = makerFor('requests', concurrency);
    this.requests = new Lane('requests', undefined, limits.rpm, requests, true);
    this.tokens = new Lane('tokens', undefined, limits.tpm, makerFor('tokens'));
  }

  /** A model's lanes, made on first use. */
  forModel(model: string): ModelLanes {
    let lanes = this.models.get(model);
    if (lanes === undefined) {
      const own = this.limits.models[model];
      const name = `model:${model}`;
      const requests = this.makerFor(`${name}:requests`);
      const tokens = this.makerFor(`${name}:tokens`);
      lanes = {
        requests: new Lane('model_requests', model, own?.rpm ?? null, requests),
        tokens: new Lane('model_tokens', model, own?.tpm ?? null, tokens),
      };
      this.models.set(model, lanes);
    }
    return lanes;
  }

  /** Every lane, key lanes first. */
  all(): Lane[] {
    const lanes = [this.requests, this.tokens];
    for (const { requests, tokens } of this.models.values()) lanes.push(requests, tokens);
    return lanes;
  }

  modelEntries(): IterableIterator<[string, ModelLanes]> {
    return this.models.entries();
  }

  /** Applies new limits to every lane, raising or lowering. */
  apply(limits: TierLimits): void {
    this.limits = limits;
    this.requests.setLimit(limits.rpm);
    this.tokens.setLimit(limits.tpm);
    for (const [model, lanes] of this.models) {
      lanes.requests.setLimit(limits.models[model]?.rpm ?? null);
      lanes.tokens.setLimit(limits.models[model]?.tpm ?? null);
    }
    if (limits.parallel !== this.parallel) {
      this.parallel = limits.parallel;
      const engine = this.requests.bottleneck as Bottleneck;
      void Promise.resolve(engine.updateSettings({ maxConcurrent: limits.parallel })).catch(
        () => undefined,
      );
    }
  }

  /** Every Bottleneck built so far. */
  engines(): Bottleneck[] {
    return this.all()
      .map((lane) => lane.bottleneck)
      .filter((engine): engine is Bottleneck => engine !== null);
  }
}
