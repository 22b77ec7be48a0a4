export { SequentialIdGenerator, type SequentialIdGeneratorOptions } from './sequential-id-generator.ts';
export { RangeIdGenerator, type RangeIdGeneratorOptions, type LeasedRange } from './range-id-generator.ts';
