// The stand-in market API: `GET /deals` as iExec's iexec-market-api answers it (api/src/controllers/
// router.js, services/deal.js, utils/pagination-utils.js): query validated like its yup schemas,
// addresses normalised (so any case matches), checksummed in answers, newest first, pages of
// pageSize (10..1000, default 20) at pageIndex. It knows deals, not tasks.
//
// `nextPage` is the real API's legacy field: present whenever the page is full (even if nothing
// follows) and worth skip + limit, an offset for its deprecated `page` parameter, not a pageIndex.

const MIN_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 1000;
const DEFAULT_PAGE_SIZE = 20;
const ZERO = '0x0000000000000000000000000000000000000000';

class ValidationError extends Error {}

/** A non-negative integer query parameter, with the yup wording of the real API's errors. */
function intParam(params, name, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}) {
  const raw = params.get(name);
  if (raw === null) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) throw new ValidationError(`${name} must be a \`number\` type`);
  if (!Number.isInteger(value)) throw new ValidationError(`${name} must be an integer`);
  if (value < min) throw new ValidationError(`${name} must be greater than or equal to ${min}`);
  if (value > max) throw new ValidationError(`${name} must be less than or equal to ${max}`);
  return value;
}

function addressParam(params, name, getAddress) {
  const raw = params.get(name);
  if (raw === null) return undefined;
  try {
    return getAddress(raw.toLowerCase());
  } catch {
    throw new ValidationError(`${name} is not a valid ethereum address`);
  }
}

function resource(getAddress, pointer, owner) {
  return { pointer: getAddress(pointer ?? ZERO), owner: getAddress(owner ?? ZERO), price: 0 };
}

/** A scenario deal as the market API's deal model serialises it. */
function toMarketDeal(d, chainId, getAddress) {
  return {
    dealid: d.id,
    chainId,
    app: resource(getAddress, d.app.id, d.app.owner),
    dataset: resource(getAddress),
    workerpool: resource(getAddress),
    category: Number(d.category),
    params: d.params,
    requester: getAddress(d.requester),
    beneficiary: getAddress(d.beneficiary),
    callback: getAddress(d.callback),
    botFirst: Number(d.botFirst),
    botSize: Number(d.botSize),
    volume: Number(d.botSize),
    startTime: Number(d.startTime),
    tag: d.tag,
    trust: Number(d.trust),
    schedulerRewardRatio: 0,
    workerStake: 0,
    blockTimestamp: new Date(Number(d.timestamp ?? d.startTime) * 1000).toISOString(),
  };
}

/** Returns { deals(searchParams) → { status, body } }. */
export function createMarket(scenario, { getAddress }) {
  const known = scenario.deals
    .filter((d) => d.inMarket)
    .map((d) => toMarketDeal(d, scenario.chainId, getAddress))
    // The real API sorts by block number desc then dealid; startTime stands for the block here.
    .sort((a, b) => b.startTime - a.startTime || (a.dealid < b.dealid ? -1 : a.dealid > b.dealid ? 1 : 0));

  function query(params) {
    const chainId = params.get('chainId');
    if (chainId === null) throw new ValidationError('chainId is a required field');
    if (chainId !== String(scenario.chainId)) throw new ValidationError(`chainId ${chainId} is not supported`);
    const beneficiary = addressParam(params, 'beneficiary', getAddress);
    const requester = addressParam(params, 'requester', getAddress);
    const pageIndex = intParam(params, 'pageIndex') ?? 0;
    const limit = intParam(params, 'pageSize', { min: MIN_PAGE_SIZE, max: MAX_PAGE_SIZE }) ?? DEFAULT_PAGE_SIZE;
    const matching = known.filter(
      (d) => (beneficiary === undefined || d.beneficiary === beneficiary) && (requester === undefined || d.requester === requester),
    );
    const skip = limit * pageIndex;
    const deals = matching.slice(skip, skip + limit);
    const body = { ok: true, deals, count: matching.length };
    if (deals.length === limit) body.nextPage = skip + limit;
    return body;
  }

  return {
    deals(params) {
      try {
        return { status: 200, body: query(params) };
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        return { status: 400, body: { ok: false, error: e.message } };
      }
    },
  };
}
