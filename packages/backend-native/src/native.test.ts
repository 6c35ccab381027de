import { describeBackendConformance } from '@unroll/tensor/testing';
import { nativeBackend } from './index.js';

describeBackendConformance('native', nativeBackend);
