"""PyTorch twin of Unroll's attention Seq2Seq (packages/seq2seq/src), for bench/python/torch_lstm.py.

The same model, parameter for parameter (the count is printed beside Unroll's):
  encoder: nn.Embedding(src_vocab, E, padding_idx=0) -> nn.LSTM(E, H) over packed variable-length
           sources (outputs zero on padding, final state at each row's true end);
  bridge:  none (one-layer unidirectional encoder of the decoder's width: the state passes through);
  decoder: nn.Embedding(tgt_vocab, E, padding_idx=0); nn.LSTMCell(E + H, H) fed [embedding; h~_{t-1}]
           (Luong input feeding, h~_0 = 0); additive attention of width H with the new h_t as the
           query: score_l = v^T tanh(W_q h_t + W_k k_l + b_k) (keys projected once per source),
           padded positions scored -1e9, softmax times the mask; context = sum_l a_l k_l;
           h~_t = tanh(W_c [context; h_t]) (no bias); logits = out(h~_t) over all steps at once.
Loss: cross-entropy per target token, the mean over the real tokens (mask 1).
Training data: the same shapes and length formula as bench/src/cases/seq2seq-model.ts.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

PAD, BOS, EOS, MAX_LEN = 0, 1, 2, 12
PAD_SCORE = -1e9


def src_length(b):
    return 8 + (b * 7) % 5


def tgt_length(b):
    return 8 + (b * 3) % 5


class Seq2Seq(nn.Module):
    def __init__(self, src_vocab, tgt_vocab, E, H):
        super().__init__()
        self.enc_embedding = nn.Embedding(src_vocab, E, padding_idx=PAD)
        self.enc_rnn = nn.LSTM(E, H, batch_first=True)
        self.dec_embedding = nn.Embedding(tgt_vocab, E, padding_idx=PAD)
        self.cell = nn.LSTMCell(E + H, H)
        self.W_q = nn.Linear(H, H, bias=False)
        self.W_k = nn.Linear(H, H)
        self.v = nn.Linear(H, 1, bias=False)
        self.W_c = nn.Linear(H + H, H, bias=False)
        self.out = nn.Linear(H, tgt_vocab)
        self.H = H

    def encode(self, src, lengths):
        """src (B,L), lengths (B) -> (h, c, feed) and the memory (values, keys, mask)."""
        B, L = src.shape
        packed = nn.utils.rnn.pack_padded_sequence(self.enc_embedding(src), lengths, batch_first=True, enforce_sorted=False)
        out, (h, c) = self.enc_rnn(packed)
        values, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=L)  # (B,L,H)
        mask = (torch.arange(L)[None, :] < lengths[:, None]).float()  # (B,L)
        keys = self.W_k(values)  # (B,L,A)
        return (h[0], c[0], torch.zeros(B, self.H)), (values, keys, mask)

    def step(self, tokens, state, memory):
        """tokens (N) -> h~ (N,H), the next state, the attention weights (N,L)."""
        h, c, feed = state
        values, keys, mask = memory
        x = torch.cat([self.dec_embedding(tokens), feed], 1)  # (N,E+H)
        h, c = self.cell(x, (h, c))
        scores = self.v(torch.tanh(keys + self.W_q(h).unsqueeze(1))).squeeze(2)  # (N,L)
        weights = torch.softmax(scores.masked_fill(mask == 0, PAD_SCORE), -1) * mask
        context = torch.bmm(weights.unsqueeze(1), values).squeeze(1)  # (N,H)
        out = torch.tanh(self.W_c(torch.cat([context, h], 1)))  # (N,H)
        return out, (h, c, out), weights

    def loss(self, src, lengths, tgt_in, tgt_out, mask):
        state, memory = self.encode(src, lengths)
        outs = []
        for t in range(tgt_in.shape[1]):
            out, state, _ = self.step(tgt_in[:, t], state, memory)
            outs.append(out)
        logits = self.out(torch.stack(outs, 1))  # (B,T,V)
        V = logits.shape[-1]
        per_token = F.cross_entropy(logits.reshape(-1, V), tgt_out.reshape(-1), reduction="none")
        m = mask.reshape(-1)
        return (per_token * m).sum() / m.sum()


def build(model):
    return Seq2Seq(model["srcVocab"], model["tgtVocab"], model["embedding"], model["hidden"])


def parameter_count(net):
    return sum(p.numel() for p in net.parameters())


def synthetic_batch(model, B):
    L = MAX_LEN
    src = torch.zeros(B, L, dtype=torch.long)
    tgt_in = torch.zeros(B, L, dtype=torch.long)
    tgt_out = torch.zeros(B, L, dtype=torch.long)
    mask = torch.zeros(B, L)
    lengths = torch.tensor([src_length(b) for b in range(B)])
    for b in range(B):
        n = int(lengths[b])
        src[b, :n] = torch.randint(3, model["srcVocab"], (n,))
        m = tgt_length(b)
        tgt_out[b, : m - 1] = torch.randint(3, model["tgtVocab"], (m - 1,))
        tgt_out[b, m - 1] = EOS
        tgt_in[b, 0] = BOS
        tgt_in[b, 1:m] = tgt_out[b, : m - 1]
        mask[b, :m] = 1
    return src, lengths, tgt_in, tgt_out, mask, int(mask.sum())


def decode_word(net, src, lengths, beam, steps):
    """Batch-1 decoding of one source for `steps` tokens (no eos): greedy, or beam search of
    width `beam` (the hypotheses as rows, log-probabilities summed, top `beam` of beam x V)."""
    with torch.no_grad():
        state, memory = net.encode(src, lengths)
        if beam == 1:
            tok, tokens = torch.tensor([BOS]), []
            for _ in range(steps):
                out, state, _ = net.step(tok, state, memory)
                tok = net.out(out).argmax(-1)
                tokens.append(int(tok.item()))
            return tokens
        # K rows from the start; all but the first scored -inf so that step 0 expands one row
        rows = torch.zeros(beam, dtype=torch.long)
        state = tuple(s.index_select(0, rows) for s in state)
        memory = tuple(m.index_select(0, rows) for m in memory)
        scores = torch.full((beam,), float("-inf"))
        scores[0] = 0.0
        tok = torch.full((beam,), BOS, dtype=torch.long)
        history = torch.zeros(beam, 0, dtype=torch.long)
        for _ in range(steps):
            out, state, _ = net.step(tok, state, memory)
            logp = F.log_softmax(net.out(out), -1)  # (K,V)
            V = logp.shape[1]
            top, idx = (scores[:, None] + logp).reshape(-1).topk(beam)
            rows, tok = idx // V, idx % V
            scores = top
            state = tuple(s.index_select(0, rows) for s in state)
            history = torch.cat([history.index_select(0, rows), tok[:, None]], 1)
        return history[0].tolist()
