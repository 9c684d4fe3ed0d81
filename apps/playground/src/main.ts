document.querySelector('#app')!.textContent = 'workletpool';
