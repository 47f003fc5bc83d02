// Stripe.js on a donation's page (loaded only when Stripe is configured): mounts the card
// field and confirms the PaymentIntent in the browser. The page works without it: the
// donation's state comes from verified webhooks, never from this script.
(function () {
  "use strict";
  var box = document.getElementById("stripe-payment");
  var button = document.getElementById("stripe-pay");
  if (!box || !button || typeof window.Stripe !== "function") return;
  var stripe = window.Stripe(box.dataset.stripeKey);
  var elements = stripe.elements({ clientSecret: box.dataset.clientSecret });
  var payment = elements.create("payment");
  payment.mount(box);
  button.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    stripe
      .confirmPayment({
        elements: elements,
        confirmParams: { return_url: new URL(box.dataset.returnUrl, window.location.href).href },
      })
      .then(function () {
        button.disabled = false;
      });
  });
})();
