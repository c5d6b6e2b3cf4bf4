/**
 * How open a model is: four published-or-not facts, each with its source, and the place on the
 * closed-to-fully-open spectrum that follows from them and from the license.
 *
 *   opennessLevel(card, LICENSES['apache-2.0']) // → 'fully-open' when code and data are both 'yes'
 *   opennessLevel(card, LICENSES['llama3.2'])   // → 'restricted-weights': the license restricts use
 *
 * The level is derived, never written by hand, so a card cannot claim 'fully-open' while saying
 * its training data is unpublished.
 */

/** Whether something was published, as far as the cited source shows. */
export const DISCLOSURES = Object.freeze({
  yes: 'Published.',
  partly: 'Partly published, or described without being released as a whole.',
  no: 'Not published: the cited source says so or describes it as proprietary or custom.',
  unknown: 'No source found either way.',
} as const);
export type Disclosure = keyof typeof DISCLOSURES;

/** The four facts an openness card records, with the label the UI shows. */
export const OPENNESS_ASPECTS = Object.freeze({
  architecture: 'Architecture',
  weights: 'Weights',
  trainingCode: 'Training code',
  trainingData: 'Training data',
} as const);
export type OpennessAspect = keyof typeof OPENNESS_ASPECTS;

export interface OpennessFact {
  readonly status: Disclosure;
  /**
   * Where the status comes from: an https URL, or for the forged models a path in this
   * repository. Null only when the status is 'unknown'.
   */
  readonly source: string | null;
  /** One or two sentences a learner can read: what is (not) published and where. */
  readonly note: string;
}

export type OpennessCard = Readonly<Record<OpennessAspect, OpennessFact>>;

/** The spectrum, from closed to fully open; each line says what a model must publish to sit there. */
export const OPENNESS_LEVELS = Object.freeze({
  closed: 'Weights not published: the model can only be used through its maker’s service.',
  'restricted-weights': 'Weights downloadable, under a license that restricts who may use them or how.',
  'open-weights': 'Weights under a permissive license; the training code is not published.',
  'open-weights-and-code': 'Open weights and training code; the training data is not (fully) published.',
  'fully-open': 'Open weights, training code and training data: the model could be rebuilt from scratch.',
} as const);
export type OpennessLevel = keyof typeof OPENNESS_LEVELS;

export interface License {
  /** SPDX id where one exists. */
  readonly id: string;
  readonly name: string;
  /** The license text. */
  readonly url: string;
  /** True for custom terms with use restrictions (acceptable-use policies, user caps). */
  readonly restrictsUse: boolean;
}

/** The licenses of the catalog's models; entries point here rather than repeating the text. */
export const LICENSES = Object.freeze({
  'apache-2.0': {
    id: 'Apache-2.0',
    name: 'Apache License 2.0',
    url: 'https://www.apache.org/licenses/LICENSE-2.0',
    restrictsUse: false,
  },
  mit: { id: 'MIT', name: 'MIT License', url: 'https://opensource.org/license/mit', restrictsUse: false },
  'llama3.2': {
    id: 'llama3.2',
    name: 'Llama 3.2 Community License',
    url: 'https://github.com/meta-llama/llama-models/blob/main/models/llama3_2/LICENSE',
    // Section 1.b.iv incorporates an Acceptable Use Policy; section 2 requires a separate license
    // above 700 million monthly active users.
    restrictsUse: true,
  },
  gemma: {
    id: 'gemma',
    name: 'Gemma Terms of Use',
    url: 'https://ai.google.dev/gemma/terms',
    // Bound to the Gemma Prohibited Use Policy (https://ai.google.dev/gemma/prohibited_use_policy).
    restrictsUse: true,
  },
} as const satisfies Record<string, License>);
export type LicenseKey = keyof typeof LICENSES;

/**
 * The card's place on the spectrum. A null license (the forged models: this project has not
 * chosen one yet) restricts nothing the card can know of.
 */
export function opennessLevel(card: OpennessCard, license: License | null): OpennessLevel {
  if (card.weights.status !== 'yes') return 'closed';
  if (license?.restrictsUse) return 'restricted-weights';
  if (card.trainingCode.status !== 'yes') return 'open-weights';
  return card.trainingData.status === 'yes' ? 'fully-open' : 'open-weights-and-code';
}
