/**
 * Exports an Unroll LSTM language model (one-hot input V -> LSTM H -> Linear V) as an ONNX graph:
 * LSTM (gates reordered from PyTorch's i,f,g,o to ONNX's i,o,f,c) -> Reshape (T,H) -> MatMul ->
 * Add. Inputs: x (T,1,V), h0 (1,1,H), c0 (1,1,H); outputs: logits (T,V), h (1,1,H), c (1,1,H).
 * Serialised with onnx-proto (protobufjs), opset 14.
 */
import type { Linear } from '@unroll/autograd';
import type { RecurrentLayer } from '@unroll/cells';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

/** PyTorch gate blocks (i,f,g,o) of a (4H, ...) array, in ONNX's order (i,o,f,c). */
function toOnnxGates(src: ArrayLike<number>, H: number, width: number): Float32Array {
  const out = new Float32Array(4 * H * width);
  const order = [0, 3, 1, 2]; // ONNX block k comes from PyTorch block order[k]
  order.forEach((from, k) => {
    for (let i = 0; i < H * width; i++) out[k * H * width + i] = src[from * H * width + i]!;
  });
  return out;
}

function floatTensor(name: string, dims: number[], data: Float32Array) {
  return onnx.TensorProto.create({ name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
}

function valueInfo(name: string, dims: (number | string)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
}

/** The ONNX model bytes for `lstm` (an LSTM: 1 layer, unidirectional) followed by `head`. */
export function exportLstmLm(lstm: RecurrentLayer, head: Linear): Uint8Array {
  if (lstm.kind !== 'lstm' || lstm.numLayers !== 1 || lstm.bidirectional) {
    throw new Error(`exportLstmLm: needs a 1-layer unidirectional LSTM, got ${lstm.layerName} with ${lstm.numLayers} layer(s)`);
  }
  const w = lstm.cellWeights(0, false);
  const H = lstm.hiddenSize;
  const D = lstm.inputSize;
  const V = head.outFeatures;
  const bias = new Float32Array(8 * H);
  bias.set(toOnnxGates(w.biasIh!.data, H, 1), 0);
  bias.set(toOnnxGates(w.biasHh!.data, H, 1), 4 * H);
  const headT = new Float32Array(H * V); // (H,V) = weight^T
  for (let v = 0; v < V; v++) for (let h = 0; h < H; h++) headT[h * V + v] = head.weight.data[v * H + h]!;
  const graph = onnx.GraphProto.create({
    name: 'unroll_lstm_lm',
    node: [
      onnx.NodeProto.create({
        opType: 'LSTM', input: ['x', 'W', 'R', 'B', '', 'h0', 'c0'], output: ['Y', 'h', 'c'],
        attribute: [onnx.AttributeProto.create({ name: 'hidden_size', type: onnx.AttributeProto.AttributeType.INT, i: H })],
      }),
      onnx.NodeProto.create({ opType: 'Reshape', input: ['Y', 'shape_TH'], output: ['Y2'] }),
      onnx.NodeProto.create({ opType: 'MatMul', input: ['Y2', 'head_wT'], output: ['logits0'] }),
      onnx.NodeProto.create({ opType: 'Add', input: ['logits0', 'head_b'], output: ['logits'] }),
    ],
    initializer: [
      floatTensor('W', [1, 4 * H, D], toOnnxGates(w.weightIh.data, H, D)),
      floatTensor('R', [1, 4 * H, H], toOnnxGates(w.weightHh.data, H, H)),
      floatTensor('B', [1, 8 * H], bias),
      onnx.TensorProto.create({ name: 'shape_TH', dims: [2], dataType: INT64, int64Data: [-1, H] }),
      floatTensor('head_wT', [H, V], headT),
      floatTensor('head_b', [V], Float32Array.from(head.bias!.data)),
    ],
    input: [valueInfo('x', ['T', 1, D]), valueInfo('h0', [1, 1, H]), valueInfo('c0', [1, 1, H])],
    output: [valueInfo('logits', ['T', V]), valueInfo('h', [1, 1, H]), valueInfo('c', [1, 1, H])],
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'unroll',
    opsetImport: [{ domain: '', version: 14 }],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}
